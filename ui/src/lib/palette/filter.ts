// Ranking for the command palette. Pure, so it is unit-tested without a DOM.

/** NFKC folds full-width Latin typed with a Japanese IME (ｔａｒｇｅｔ) into plain ASCII. */
export function normalize(text: string): string {
  return text.normalize("NFKC").toLowerCase().replace(/\s+/g, " ").trim();
}

function isWordStart(text: string, index: number): boolean {
  if (index === 0) return true;
  const before = text[index - 1]!;
  return !/[\p{L}\p{N}]/u.test(before) || /[^\x00-\x7f]/.test(text[index]!);
}

/**
 * How well `query` matches `text` (both normalised); 0 means not at all.
 * prefix > start of a word > substring > every word somewhere > letters in order.
 */
export function score(query: string, text: string): number {
  if (!query) return 1;
  if (!text) return 0;
  if (text.startsWith(query)) return 1000 - text.length;
  const index = text.indexOf(query);
  if (index >= 0) return (isWordStart(text, index) ? 800 : 600) - index;
  const words = query.split(" ").filter(Boolean);
  if (words.length > 1 && words.every((w) => text.includes(w))) return 400;
  return fuzzy(query.replace(/ /g, ""), text);
}

/**
 * Letters in order, each either right after the previous one or at the start of a word:
 * "gts" finds "Go to Settings", "rt" finds "Refresh targets", but "set" does not find
 * "refreSh targEts" through scattered letters. Longer runs score higher.
 */
function fuzzy(query: string, text: string): number {
  const chars = [...query];
  const memo = new Map<number, number>();
  const best = (qi: number, from: number, prev: number): number => {
    if (qi === chars.length) return 0;
    const key = qi * 4096 + prev + 1;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let result = -1;
    for (let at = text.indexOf(chars[qi]!, from); at >= 0; at = text.indexOf(chars[qi]!, at + 1)) {
      const contiguous = prev >= 0 && at === prev + chars[qi - 1]!.length;
      if (!contiguous && !isWordStart(text, at)) continue;
      const rest = best(qi + 1, at + chars[qi]!.length, at);
      if (rest >= 0) result = Math.max(result, rest + (contiguous ? 2 : 1));
    }
    memo.set(key, result);
    return result;
  };
  const points = best(0, 0, -1);
  return points < 0 ? 0 : 100 + Math.min(points, 99);
}

/**
 * Items that match, best first; ties keep their original order. An item matches through any of
 * its texts (the translated label, the English label, keywords).
 */
export function rank<T>(items: readonly T[], query: string, texts: (item: T) => readonly string[]): T[] {
  const q = normalize(query);
  const scored: Array<{ item: T; score: number; index: number }> = [];
  items.forEach((item, index) => {
    let best = 0;
    for (const text of texts(item)) best = Math.max(best, score(q, normalize(text)));
    if (best > 0) scored.push({ item, score: best, index });
  });
  scored.sort((a, b) => b.score - a.score || a.index - b.index);
  return scored.map((s) => s.item);
}
