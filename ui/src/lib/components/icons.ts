// Stroke icons (24×24, drawn for this app). Paths only, so they render under a strict CSP.

const circle = (cx: number, cy: number, r: number) =>
  `M${cx - r} ${cy}a${r} ${r} 0 1 0 ${2 * r} 0a${r} ${r} 0 1 0 ${-2 * r} 0`;

export const icons = {
  targets: [circle(12, 12, 8), circle(12, 12, 3), "M12 1v4M12 19v4M1 12h4M19 12h4"],
  settings: ["M4 6h9M17 6h3M4 12h3M11 12h9M4 18h11M19 18h1", circle(15, 6, 2), circle(9, 12, 2), circle(17, 18, 2)],
  search: [circle(11, 11, 7), "M20 20l-4-4"],
  refresh: ["M20 11a8 8 0 0 0-14.6-4.5M4 3v4h4", "M4 13a8 8 0 0 0 14.6 4.5M20 21v-4h-4"],
  check: ["M5 12.5l4.5 4.5L19 7"],
  x: ["M6 6l12 12M18 6L6 18"],
  question: [circle(12, 12, 9), "M9.5 9.5a2.5 2.5 0 0 1 4.9.7c0 1.8-2.4 2.2-2.4 3.8M12 17h.01"],
  alert: ["M12 3l10 18H2z", "M12 10v5M12 18h.01"],
  plus: ["M12 5v14M5 12h14"],
  trash: ["M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3"],
  edit: ["M4 20h4L19 9l-4-4L4 16z", "M13 7l4 4"],
  plug: ["M9 2v5M15 2v5M6 7h12v4a6 6 0 0 1-12 0z", "M12 17v5"],
  chevronRight: ["M9 6l6 6-6 6"],
  chevronDown: ["M6 9l6 6 6-6"],
  arrowRight: ["M5 12h14M13 6l6 6-6 6"],
  bolt: ["M13 2L4 14h7l-1 8 9-12h-7z"],
  globe: [circle(12, 12, 9), "M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18"],
  database: [
    "M4 6c0-1.7 3.6-3 8-3s8 1.3 8 3-3.6 3-8 3-8-1.3-8-3z",
    "M4 6v12c0 1.7 3.6 3 8 3s8-1.3 8-3V6M4 12c0 1.7 3.6 3 8 3s8-1.3 8-3",
  ],
  save: ["M5 3h11l3 3v15H5z", "M8 3v5h7V3M8 21v-7h8v7"],
  info: [circle(12, 12, 9), "M12 11v6M12 7.5h.01"],
  logs: ["M4 5h16M4 10h10M4 15h16M4 20h7"],
} as const satisfies Record<string, readonly string[]>;

export type IconName = keyof typeof icons;
