// Grafana's common units as text: bytes, seconds, percent, rates, SI-short numbers. A unit we
// do not know is written after the number, as Grafana's "custom" unit does.

function trimNumber(value: number, decimals: number | null): string {
  const abs = Math.abs(value);
  const places = decimals ?? (abs === 0 ? 0 : abs < 1 ? 3 : abs < 10 ? 2 : abs < 100 ? 1 : 0);
  const text = value.toFixed(Math.max(0, Math.min(places, 6)));
  return decimals === null && text.includes(".") ? text.replace(/\.?0+$/, "") : text;
}

function scaled(value: number, base: number, units: readonly string[], decimals: number | null, sep = " "): string {
  let i = 0;
  let v = value;
  while (Math.abs(v) >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  const suffix = units[i]!;
  return suffix ? `${trimNumber(v, decimals)}${sep}${suffix}` : trimNumber(v, decimals);
}

const SHORT = ["", "K", "Mil", "Bil", "Tri"] as const;

function short(value: number, decimals: number | null): string {
  return scaled(value, 1000, SHORT, decimals);
}

function duration(seconds: number, decimals: number | null): string {
  const abs = Math.abs(seconds);
  if (abs === 0) return "0 s";
  if (abs < 1e-6) return `${trimNumber(seconds * 1e9, decimals)} ns`;
  if (abs < 1e-3) return `${trimNumber(seconds * 1e6, decimals)} µs`;
  if (abs < 1) return `${trimNumber(seconds * 1e3, decimals)} ms`;
  if (abs < 60) return `${trimNumber(seconds, decimals)} s`;
  if (abs < 3600) return `${trimNumber(seconds / 60, decimals)} min`;
  if (abs < 86400) return `${trimNumber(seconds / 3600, decimals)} hour`;
  if (abs < 604800) return `${trimNumber(seconds / 86400, decimals)} day`;
  return `${trimNumber(seconds / 604800, decimals)} week`;
}

/** `value` in Grafana `unit`, with `decimals` places when given. */
export function formatUnit(value: number | null | undefined, unit?: string | null, decimals: number | null = null): string {
  if (value === null || value === undefined || Number.isNaN(value)) return "–";
  if (!Number.isFinite(value)) return value > 0 ? "+Inf" : "-Inf";
  switch (unit ?? "") {
    case "":
    case "short":
      return short(value, decimals);
    case "none":
      return trimNumber(value, decimals);
    case "percent":
      return `${trimNumber(value, decimals)}%`;
    case "percentunit":
      return `${trimNumber(value * 100, decimals)}%`;
    case "bytes":
    case "decbytes":
      return unit === "bytes"
        ? scaled(value, 1024, ["B", "KiB", "MiB", "GiB", "TiB", "PiB"], decimals)
        : scaled(value, 1000, ["B", "kB", "MB", "GB", "TB", "PB"], decimals);
    case "bits":
      return scaled(value, 1000, ["b", "kb", "Mb", "Gb", "Tb"], decimals);
    case "Bps":
    case "binBps":
      return `${scaled(value, 1024, ["B", "KiB", "MiB", "GiB", "TiB"], decimals)}/s`;
    case "bps":
      return scaled(value, 1000, ["bps", "kbps", "Mbps", "Gbps"], decimals);
    case "s":
      return duration(value, decimals);
    case "ms":
      return duration(value / 1000, decimals);
    case "µs":
    case "us":
      return duration(value / 1e6, decimals);
    case "ns":
      return duration(value / 1e9, decimals);
    case "dtdurations":
      return duration(value, decimals);
    case "reqps":
      return `${short(value, decimals)} req/s`;
    case "rps":
      return `${short(value, decimals)} rd/s`;
    case "wps":
      return `${short(value, decimals)} wr/s`;
    case "iops":
      return `${short(value, decimals)} io/s`;
    case "ops":
      return `${short(value, decimals)} ops/s`;
    case "pps":
      return `${short(value, decimals)} p/s`;
    case "hertz":
      return scaled(value, 1000, ["Hz", "kHz", "MHz", "GHz"], decimals);
    case "celsius":
      return `${trimNumber(value, decimals ?? 1)}°C`;
    default:
      return `${short(value, decimals)} ${unit}`;
  }
}

/** Tick labels: more decimals until neighbouring ticks read differently (75.4% twice is no axis). */
export function axisLabels(splits: readonly number[], unit?: string | null, decimals: number | null = null): string[] {
  const at = (d: number | null) => splits.map((v) => formatUnit(v, unit, d));
  if (decimals !== null) return at(decimals);
  let labels = at(null);
  for (let d = 1; d <= 4 && new Set(labels).size < labels.length; d++) labels = at(d);
  return labels;
}
