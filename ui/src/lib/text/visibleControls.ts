/**
 * Control characters as their Unicode "symbol for" glyphs (␀, ␛...), newlines and tabs kept;
 * bidi overrides and isolates (U+202E makes "exe.txt" read "txt.exe") as their code points, so
 * outside text (a log line, an alert label, a dashboard or incident title) cannot pass itself
 * off as another, nor reorder the text around it.
 */
export function visibleControls(text: string): string {
  return (
    text
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => (c === "\u007f" ? "\u2421" : String.fromCharCode(0x2400 + c.charCodeAt(0))))
      .replace(/[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\u27e8U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, "0")}\u27e9`)
  );
}

/** Characters a one-line cell keeps: far more than fits, few enough that layout stays cheap. */
export const LINE_CHARS = 500;

/**
 * Outside text for a one-line cell cut with an ellipsis: the first `LINE_CHARS` characters,
 * controls made visible. A megabyte-long label would otherwise be laid out on every render.
 */
export function oneLine(text: string): string {
  return visibleControls(text.length > LINE_CHARS ? `${text.slice(0, LINE_CHARS)}…` : text);
}

/**
 * Characters a detail value (an annotation, a label) shows before "Show all": a few screens of
 * text. WebKit wraps a long unbroken run at a cost that grows with its length (a 1 MB annotation
 * froze the alert detail for 18–30 s, and every later relayout for seconds), so what is drawn at
 * first stays this small whatever the value's size; the rest is one click away.
 */
export const DETAIL_CHARS = 4_000;

/**
 * Up to this length a value shown whole still wraps; beyond it, it is drawn unwrapped in a
 * scroll box, which lays out in a fraction of the time (measured: 1.5 s against 12 s for 2 MB).
 */
export const WRAP_CHARS = 100_000;

/** The start of a long value for a detail view, controls made visible, with an ellipsis when cut. */
export function detailPreview(text: string): { shown: string; cut: boolean } {
  const cut = text.length > DETAIL_CHARS;
  return { shown: visibleControls(cut ? `${text.slice(0, DETAIL_CHARS)}…` : text), cut };
}

/** A string's size in UTF-8 bytes, without encoding it. */
export function utf8Bytes(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const unit = text.charCodeAt(i);
    if (unit < 0x80) bytes += 1;
    else if (unit < 0x800) bytes += 2;
    // A surrogate pair is one 4-byte character: 2 + 2.
    else if (unit >= 0xd800 && unit <= 0xdfff) bytes += 2;
    else bytes += 3;
  }
  return bytes;
}
