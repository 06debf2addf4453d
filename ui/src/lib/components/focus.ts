// Focus trapping for modal dialogs, as a Svelte attachment: focus moves in on open, Tab cycles
// inside, and focus returns to where it was on close.

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

function focusables(root: HTMLElement): HTMLElement[] {
  return [...root.querySelectorAll<HTMLElement>(FOCUSABLE)].filter((el) => !el.hidden);
}

export function focusTrap(node: HTMLElement): () => void {
  const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
  const initial = node.querySelector<HTMLElement>("[data-autofocus]") ?? focusables(node)[0] ?? node;
  initial.focus();

  const onKeydown = (event: KeyboardEvent) => {
    if (event.key !== "Tab") return;
    const items = focusables(node);
    const first = items[0];
    const last = items[items.length - 1];
    if (!first || !last) {
      event.preventDefault();
      node.focus();
      return;
    }
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !node.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !node.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };
  // Focus that escapes (a click on the backdrop, a programmatic focus) is brought back.
  const onFocusOut = (event: FocusEvent) => {
    const next = event.relatedTarget;
    if (next instanceof Node && !node.contains(next)) initial.focus();
  };
  node.addEventListener("keydown", onKeydown);
  node.addEventListener("focusout", onFocusOut);
  return () => {
    node.removeEventListener("keydown", onKeydown);
    node.removeEventListener("focusout", onFocusOut);
    if (previous?.isConnected) previous.focus();
  };
}
