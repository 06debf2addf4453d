// Series names from Grafana's legendFormat (`{{method}} {{endpoint}}`), else the label set.

export function seriesName(labels: Readonly<Record<string, string>>, legendFormat?: string | null): string {
  if (legendFormat && legendFormat !== "__auto") {
    return legendFormat.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? "");
  }
  const name = labels.__name__ ?? "";
  const rest = Object.entries(labels)
    .filter(([k]) => k !== "__name__")
    .map(([k, v]) => `${k}="${v}"`);
  if (rest.length === 0) return name || "{}";
  return `${name}{${rest.join(", ")}}`;
}
