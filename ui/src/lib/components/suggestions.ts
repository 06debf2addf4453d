// Keyboard handling of a field with a suggestion list under it (SuggestionList): Explore's PromQL
// editor and the logs' query bar.

/** The index ArrowDown/ArrowUp move a list's highlight to, wrapping round; null for other keys. */
export function arrowStep(key: string, active: number, count: number): number | null {
  if (key === "ArrowDown") return (active + 1) % count;
  if (key === "ArrowUp") return (active + count - 1) % count;
  return null;
}

export interface SuggestionKeys {
  /** Items in the list; with none, no key is the list's. */
  count: number;
  /** Index of the highlighted item. */
  active: number;
  /** Enter (without Shift or Ctrl) takes the highlighted item too, not only Tab. */
  enterAccepts?: boolean;
  move: (index: number) => void;
  accept: (index: number) => void;
  close: () => void;
}

/**
 * Handles a keydown for an open suggestion list: ArrowDown/ArrowUp move the highlight, Tab (and
 * Enter, see `enterAccepts`) takes the highlighted item, Escape closes the list. Returns true, and
 * prevents the key's default, when the key was the list's; false leaves it to the field.
 */
export function handleSuggestionKey(e: KeyboardEvent, list: SuggestionKeys): boolean {
  if (list.count === 0) return false;
  const step = arrowStep(e.key, list.active, list.count);
  const enter = e.key === "Enter" && !e.shiftKey && !e.ctrlKey;
  if (step !== null) list.move(step);
  else if (e.key === "Tab" || (enter && list.enterAccepts)) list.accept(list.active);
  else if (e.key === "Escape") list.close();
  else return false;
  e.preventDefault();
  return true;
}
