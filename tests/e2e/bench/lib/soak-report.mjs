// The soak's verdict and its picture, from samples `{ minute, total, byName }` (MiB).

import { median } from "./memory.mjs";

/** The median of all pairwise slopes: a trend that one garbage collection cannot tilt. */
export function theilSen(points) {
  const slopes = [];
  for (let i = 0; i < points.length; i++) {
    for (let j = i + 1; j < points.length; j++) {
      const dx = points[j].x - points[i].x;
      if (dx > 0) slopes.push((points[j].y - points[i].y) / dx);
    }
  }
  return median(slopes);
}

/**
 * Growth from the warmed-up level (minutes 5–10: caches filled, every dashboard seen) to the end
 * (the last five minutes), and the slope over the last half hour, per hour and as a share of
 * the warm level over 30 minutes.
 */
export function soakSummary(samples, minutes) {
  const within = (from, to) => samples.filter((s) => s.minute >= from && s.minute <= to).map((s) => s.total);
  const warm = median(within(5, 10));
  const end = median(within(minutes - 5, minutes + 1));
  const lastHalf = samples.filter((s) => s.minute >= minutes - 30).map((s) => ({ x: s.minute / 60, y: s.total }));
  const slopePerHour = theilSen(lastHalf);
  const totals = samples.map((s) => s.total);
  return {
    warm,
    end,
    growth: end / warm - 1,
    slopePerHour,
    halfHourTrend: slopePerHour / 2 / warm,
    min: Math.min(...totals),
    max: Math.max(...totals),
  };
}

const COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"];

/** A plain SVG line chart: the total and each process over the minutes, with the two windows. */
export function soakSvg(samples, names, summary) {
  const width = 900;
  const height = 420;
  const pad = { left: 60, right: 200, top: 30, bottom: 40 };
  const maxMinute = Math.max(...samples.map((s) => s.minute), 1);
  const maxMib = Math.ceil(Math.max(...samples.map((s) => s.total)) / 50) * 50;
  const x = (m) => pad.left + (m / maxMinute) * (width - pad.left - pad.right);
  const y = (mib) => height - pad.bottom - (mib / maxMib) * (height - pad.top - pad.bottom);
  const line = (values, colour) =>
    `<polyline fill="none" stroke="${colour}" stroke-width="1.5" points="${samples.map((s, i) => `${x(s.minute).toFixed(1)},${y(values[i]).toFixed(1)}`).join(" ")}"/>`;
  const series = [["PSS, all processes", samples.map((s) => s.total)], ["USS, all processes", samples.map((s) => s.uss ?? NaN)], ...names.map((n) => [n, samples.map((s) => s.byName[n] ?? 0)])];
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="white"/>`,
    `<text x="${pad.left}" y="18">PSS over the soak (MiB); growth ${(summary.growth * 100).toFixed(1)} %, last 30 min slope ${summary.slopePerHour.toFixed(1)} MiB/h</text>`,
  ];
  for (let mib = 0; mib <= maxMib; mib += maxMib / 5) {
    parts.push(`<line x1="${pad.left}" x2="${width - pad.right}" y1="${y(mib)}" y2="${y(mib)}" stroke="#ddd"/>`);
    parts.push(`<text x="${pad.left - 8}" y="${y(mib) + 4}" text-anchor="end">${mib.toFixed(0)}</text>`);
  }
  for (let m = 0; m <= maxMinute; m += 10) {
    parts.push(`<text x="${x(m)}" y="${height - pad.bottom + 16}" text-anchor="middle">${m} min</text>`);
  }
  parts.push(`<rect x="${x(5)}" y="${pad.top}" width="${x(10) - x(5)}" height="${height - pad.top - pad.bottom}" fill="#2ca02c" opacity="0.08"/>`);
  parts.push(`<rect x="${x(Math.max(0, maxMinute - 30))}" y="${pad.top}" width="${x(maxMinute) - x(Math.max(0, maxMinute - 30))}" height="${height - pad.top - pad.bottom}" fill="#1f77b4" opacity="0.06"/>`);
  series.forEach(([name, values], i) => {
    const colour = COLOURS[i % COLOURS.length];
    parts.push(line(values, colour));
    parts.push(`<text x="${width - pad.right + 10}" y="${pad.top + 16 * i + 10}" fill="${colour}">${name.replace("WebKitWebProces", "WebKitWebProcess").replace("WebKitNetworkPr", "WebKitNetworkProcess")}</text>`);
  });
  // Three short lines: the legend's column is 200 px wide and longer text ran off the picture.
  ["shaded: the warm window", "(minutes 5–10) and", "the last 30 minutes"].forEach((text, i) =>
    parts.push(`<text x="${width - pad.right + 10}" y="${pad.top + 16 * series.length + 20 + 16 * i}">${text}</text>`),
  );
  parts.push("</svg>");
  return parts.join("\n") + "\n";
}
