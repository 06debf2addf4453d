/** The index ArrowDown/ArrowUp move a list's highlight to, wrapping round; null for other keys. */
export function arrowStep(key: string, active: number, count: number): number | null {
  if (key === "ArrowDown") return (active + 1) % count;
  if (key === "ArrowUp") return (active + count - 1) % count;
  return null;
}
