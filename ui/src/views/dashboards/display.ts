// Per-series display settings: fieldConfig defaults with the overrides that match the series
// (byName, byRegexp, byNames, byFrameRefID, in order, as Grafana applies them — the same rules as
// `FieldConfig::display_for` in Rust), and value mappings (value, range, special) to text/colour.

import type { FieldColor, FieldConfig, JsonValue, Thresholds } from "../../lib/bindings";
import { cssColor } from "./values";

export interface SeriesDisplay {
  unit: string | null;
  decimals: number | null;
  min: number | null;
  max: number | null;
  displayName: string | null;
  color: FieldColor | null;
  thresholds: Thresholds | null;
}

/** Grafana writes regexes as `/pattern/flags` or a bare pattern. */
function regexOf(pattern: string): RegExp | null {
  const m = /^\/(.*)\/([gimsuy]*)$/.exec(pattern);
  try {
    return m ? new RegExp(m[1]!, m[2]!.replace("g", "")) : new RegExp(`^(?:${pattern})$`);
  } catch {
    return null;
  }
}

export function matches(matcher: { id: string; options?: JsonValue }, name: string, refId: string | null): boolean {
  const options = matcher.options;
  switch (matcher.id) {
    case "byName":
      return options === name;
    case "byRegexp":
      return typeof options === "string" && (regexOf(options)?.test(name) ?? false);
    case "byNames": {
      const names = (options as { names?: unknown } | null)?.names;
      return Array.isArray(names) && names.includes(name);
    }
    case "byFrameRefID":
      return refId !== null && options === refId;
    default:
      return false;
  }
}

const num = (v: JsonValue | undefined): number | null => (typeof v === "number" && Number.isFinite(v) ? v : null);

export function displayFor(fieldConfig: FieldConfig | null | undefined, name: string, refId: string | null): SeriesDisplay {
  const d = fieldConfig?.defaults;
  const out: SeriesDisplay = {
    unit: d?.unit ?? null,
    decimals: d?.decimals ?? null,
    min: d?.min ?? null,
    max: d?.max ?? null,
    displayName: d?.displayName ?? null,
    color: d?.color ?? null,
    thresholds: d?.thresholds ?? null,
  };
  for (const rule of fieldConfig?.overrides ?? []) {
    if (!matches(rule.matcher, name, refId)) continue;
    for (const p of rule.properties ?? []) {
      const v = p.value;
      switch (p.id) {
        case "unit":
          out.unit = typeof v === "string" ? v : null;
          break;
        case "decimals":
          out.decimals = num(v);
          break;
        case "min":
          out.min = num(v);
          break;
        case "max":
          out.max = num(v);
          break;
        case "displayName":
          out.displayName = typeof v === "string" ? v : null;
          break;
        case "color":
          out.color = v && typeof v === "object" && !Array.isArray(v) ? (v as FieldColor) : null;
          break;
        case "thresholds":
          out.thresholds = v && typeof v === "object" && !Array.isArray(v) ? (v as Thresholds) : null;
          break;
        default:
          break;
      }
    }
  }
  return out;
}

/** A fixed colour (`color.mode = "fixed"`) as CSS, else null (the palette or thresholds decide). */
export function fixedColor(display: SeriesDisplay): string | null {
  return display.color?.mode === "fixed" ? cssColor(display.color.fixedColor) : null;
}

export interface Mapped {
  text: string | null;
  color: string | null;
}

interface MappingResult {
  text?: string;
  color?: string;
}

/** The first value mapping of `mappings` (fieldConfig.defaults.mappings) that takes `value`. */
export function mapValue(mappings: unknown, value: number | null): Mapped | null {
  if (!Array.isArray(mappings)) return null;
  for (const raw of mappings) {
    const m = raw as { type?: string; options?: Record<string, unknown> } | null;
    const options = m?.options;
    if (!options || typeof options !== "object") continue;
    let result: MappingResult | undefined;
    if (m.type === "value" && value !== null) {
      result = (options[String(value)] as MappingResult | undefined) ?? undefined;
    } else if (m.type === "range" && value !== null) {
      const from = typeof options.from === "number" ? options.from : -Infinity;
      const to = typeof options.to === "number" ? options.to : Infinity;
      if (value >= from && value <= to) result = options.result as MappingResult | undefined;
    } else if (m.type === "special") {
      const match = options.match;
      const isNull = value === null;
      const hit =
        (match === "null" && isNull) ||
        (match === "nan" && !isNull && Number.isNaN(value)) ||
        (match === "null+nan" && (isNull || Number.isNaN(value!)));
      if (hit) result = options.result as MappingResult | undefined;
    }
    if (result && (result.text !== undefined || result.color !== undefined)) {
      return { text: typeof result.text === "string" ? result.text : null, color: cssColor(result.color) };
    }
  }
  return null;
}
