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
