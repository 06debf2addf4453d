// The settings editor's pure parts: turning saved datasources into editable rows and back, new
// ids, and "has anything changed". Unit-tested; the reactive class lives in draft.svelte.ts.

import type { Datasource, DatasourceAuth, DatasourceKind, LogSourceOptions, Settings, TlsOptions } from "../../lib/bindings";

export const KINDS: readonly DatasourceKind[] = ["prometheus", "alertmanager", "elasticsearch", "local_files"];
export const DEFAULT_TIMEOUT_MS = 10_000;
export type AuthType = DatasourceAuth["type"];
export const AUTH_TYPES: readonly AuthType[] = ["none", "basic", "bearer"];

/** Elasticsearch also takes its own API keys (`Authorization: ApiKey …`). */
export function authTypes(kind: DatasourceKind): readonly AuthType[] {
  return kind === "elasticsearch" ? [...AUTH_TYPES, "api_key"] : AUTH_TYPES;
}

/** Offered under the time-zone field; any IANA name or offset is accepted. */
export const ZONE_SUGGESTIONS = ["UTC", "Asia/Tokyo", "+09:00", "Europe/London", "America/New_York"] as const;

/** Reached over HTTP at its URL; "Local files" has paths on this machine instead. */
export function isHttp(kind: DatasourceKind): boolean {
  return kind !== "local_files";
}

/**
 * What the Rust side assumes for a missing `logs.time_field`. A "Local files" datasource
 * therefore always sends its time field, "" meaning "detect it".
 */
const BACKEND_TIME_FIELD = "@timestamp";

function authFrom(type: AuthType, username: string): DatasourceAuth {
  return type === "basic" ? { type, username } : { type };
}

/**
 * TLS options to save: blank paths dropped; the client certificate and the skip switch only
 * when set, so a datasource without them saves (and compares) as it always did.
 */
function tlsFrom(ca: string, clientCert: string, clientKey: string, skipVerify: boolean): TlsOptions {
  const tls: TlsOptions = { ca_file: ca.trim() === "" ? null : ca.trim() };
  if (clientCert.trim() !== "") tls.client_cert_file = clientCert.trim();
  if (clientKey.trim() !== "") tls.client_key_file = clientKey.trim();
  if (skipVerify) tls.insecure_skip_verify = true;
  return tls;
}

/** One datasource as the form holds it: numbers as typed, so "12a" can be shown and fixed. */
export interface DraftEntry {
  /** Stable key for the UI (the id can still change while the datasource is new). */
  key: string;
  /** Not saved yet; its id follows its name until the first save. */
  isNew: boolean;
  /** Random part of a new datasource's id. */
  suffix: string;
  id: string;
  name: string;
  kind: DatasourceKind;
  url: string;
  timeout: string;
  ca: string;
  /** Mutual TLS: PEM files of the client certificate and its (unencrypted) key. */
  clientCert: string;
  clientKey: string;
  /** Accept any server certificate; saved only when on, shown with a warning. */
  skipVerify: boolean;
  /** How requests authenticate; the secret itself is only ever in the keyring. */
  authType: AuthType;
  username: string;
  /** Elasticsearch only: Discover's index pattern; empty keeps the default. */
  indexPattern: string;
  /** Elasticsearch: empty keeps the default (@timestamp). Local files: empty detects it. */
  timeField: string;
  /** Local files only: folders, files or globs, one per line as typed. */
  paths: string;
  /** Local files only: the zone of times written without one; empty is this computer's. */
  timeZone: string;
  /** The log options as loaded, so the ones the form does not show survive a save. */
  logs: LogSourceOptions | null;
  /** Prometheus only: ask long range queries in two halves at once; saved only when off. */
  splitRangeQueries: boolean;
  expanded: boolean;
}

/** `"Production Prometheus"` → `"production-prometheus"`; accents dropped; "" if nothing is left. */
export function slugify(name: string): string {
  return name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 32)
    .replace(/-+$/, "");
}

/** Four lowercase letters/digits from a CSPRNG. */
export function randomSuffix(): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const bytes = crypto.getRandomValues(new Uint8Array(4));
  return [...bytes].map((b) => alphabet[b % alphabet.length]).join("");
}

/**
 * `slug(name)-suffix`, or `kind-suffix` for a name with no Latin letters (e.g. "本番"). If that
 * is taken, new suffixes are drawn until it is not.
 */
export function datasourceId(
  name: string,
  kind: DatasourceKind,
  suffix: string,
  taken: ReadonlySet<string>,
  nextSuffix: () => string = randomSuffix,
): { id: string; suffix: string } {
  const base = slugify(name) || kind;
  let id = `${base}-${suffix}`;
  for (let tries = 0; taken.has(id) && tries < 100; tries++) {
    suffix = nextSuffix();
    id = `${base}-${suffix}`;
  }
  return { id, suffix };
}

/** A whole number from a form field, or null if it is not one. */
export function parseWholeNumber(text: string): number | null {
  const trimmed = text.normalize("NFKC").trim();
  if (!/^\d+$/.test(trimmed)) return null;
  const value = Number(trimmed);
  return Number.isSafeInteger(value) ? value : null;
}

let keys = 0;
export function nextKey(): string {
  keys += 1;
  return `ds${keys}`;
}

export function entryFromDatasource(ds: Datasource, key = nextKey()): DraftEntry {
  return {
    key,
    isNew: false,
    suffix: "",
    id: ds.id,
    name: ds.name,
    kind: ds.kind,
    url: ds.url,
    timeout: String(ds.timeout_ms ?? DEFAULT_TIMEOUT_MS),
    ca: ds.tls?.ca_file ?? "",
    clientCert: ds.tls?.client_cert_file ?? "",
    clientKey: ds.tls?.client_key_file ?? "",
    skipVerify: ds.tls?.insecure_skip_verify ?? false,
    authType: ds.auth?.type ?? "none",
    username: ds.auth?.type === "basic" ? ds.auth.username : "",
    indexPattern: ds.logs?.index_pattern ?? "",
    timeField: ds.logs?.time_field ?? (ds.kind === "local_files" ? BACKEND_TIME_FIELD : ""),
    paths: (ds.logs?.paths ?? []).join("\n"),
    timeZone: ds.logs?.time_zone ?? "",
    logs: ds.logs ?? null,
    splitRangeQueries: ds.split_range_queries ?? true,
    expanded: false,
  };
}

/** The paths of a "Local files" datasource, one a line: trimmed, blank lines dropped. */
export function parsePaths(text: string): string[] {
  return cleanPaths(text.split(/\r?\n/));
}

export function cleanPaths(paths: readonly string[]): string[] {
  return paths.map((p) => p.trim()).filter((p) => p !== "");
}

/** What the collapsed card and the remove dialog name the datasource by: its URL or its paths. */
export function address(entry: DraftEntry): string {
  return isHttp(entry.kind) ? entry.url : parsePaths(entry.paths).join(", ");
}

/**
 * The datasource to save. An unparsable timeout is sent as-is would fail to deserialise, so it
 * is NaN here and the editor refuses to save until it is fixed.
 *
 * A "Local files" datasource has no URL, TLS or auth to send; the values typed for another kind
 * stay in the entry (switching back finds them) but are not saved with it. Its timeout is not on
 * the form, so a number that does not parse falls back to the default instead of blocking Save.
 */
export function datasourceFromEntry(entry: DraftEntry): Datasource {
  if (!isHttp(entry.kind)) {
    return {
      id: entry.id,
      name: entry.name,
      kind: entry.kind,
      url: "",
      timeout_ms: parseWholeNumber(entry.timeout) ?? DEFAULT_TIMEOUT_MS,
      tls: { ca_file: null },
      auth: { type: "none" },
      logs: localLogs(entry.logs, parsePaths(entry.paths), entry.timeField, entry.timeZone),
    };
  }
  return {
    id: entry.id,
    name: entry.name,
    kind: entry.kind,
    url: entry.url,
    timeout_ms: parseWholeNumber(entry.timeout) ?? Number.NaN,
    tls: tlsFrom(entry.ca, entry.clientCert, entry.clientKey, entry.skipVerify),
    auth: authFrom(entry.authType, entry.username),
    ...logsFromEntry(entry),
    ...splitFrom(entry.kind, entry.splitRangeQueries),
  };
}

/** `split_range_queries` as Rust writes it: only for Prometheus, and only when off. */
function splitFrom(kind: DatasourceKind, split: boolean): { split_range_queries?: boolean } {
  return kind === "prometheus" && !split ? { split_range_queries: false } : {};
}

/** `logs` for an Elasticsearch datasource with options set; nothing otherwise. */
function logsFromEntry(entry: DraftEntry): { logs?: LogSourceOptions } {
  if (entry.kind !== "elasticsearch") return {};
  const logs: LogSourceOptions = { ...(entry.logs ?? {}) };
  const index = entry.indexPattern.trim();
  const time = entry.timeField.trim();
  if (index === "") delete logs.index_pattern;
  else logs.index_pattern = index;
  if (time === "") delete logs.time_field;
  else logs.time_field = time;
  return Object.keys(logs).length > 0 ? { logs } : {};
}

/**
 * The loaded options the form does not show, with these paths, time field ("" = detect) and
 * time zone (left out when empty, as Rust leaves it out, so an untouched form compares equal).
 */
function localLogs(
  loaded: LogSourceOptions | null | undefined,
  paths: string[],
  timeField: string,
  timeZone: string,
): LogSourceOptions {
  const logs: LogSourceOptions = { ...(loaded ?? {}), paths, time_field: timeField.trim() };
  const zone = timeZone.trim();
  if (zone === "") delete logs.time_zone;
  else logs.time_zone = zone;
  return logs;
}

/** The same options with keys in one order, so two equal ones compare equal as JSON. */
function sortedKeys(logs: LogSourceOptions): LogSourceOptions {
  return Object.fromEntries(Object.entries(logs).sort(([a], [b]) => a.localeCompare(b))) as LogSourceOptions;
}

/** The same datasource with defaults filled in and keys in one order, for comparing. */
export function normalizeDatasource(ds: Datasource): Datasource {
  if (!isHttp(ds.kind)) {
    // What datasourceFromEntry would send for it: the unused fields cannot differ.
    const logs = localLogs(
      ds.logs,
      cleanPaths(ds.logs?.paths ?? []),
      ds.logs?.time_field ?? BACKEND_TIME_FIELD,
      ds.logs?.time_zone ?? "",
    );
    return {
      id: ds.id,
      name: ds.name,
      kind: ds.kind,
      url: "",
      timeout_ms: ds.timeout_ms ?? DEFAULT_TIMEOUT_MS,
      tls: { ca_file: null },
      auth: { type: "none" },
      logs: sortedKeys(logs),
    };
  }
  const tls = ds.tls ?? {};
  return {
    id: ds.id,
    name: ds.name,
    kind: ds.kind,
    url: ds.url,
    timeout_ms: ds.timeout_ms ?? DEFAULT_TIMEOUT_MS,
    tls: tlsFrom(tls.ca_file ?? "", tls.client_cert_file ?? "", tls.client_key_file ?? "", tls.insecure_skip_verify ?? false),
    auth: authFrom(ds.auth?.type ?? "none", ds.auth?.type === "basic" ? ds.auth.username : ""),
    ...(ds.logs ? { logs: sortedKeys(ds.logs) } : {}),
    ...splitFrom(ds.kind, ds.split_range_queries ?? true),
  };
}

/** The part of the settings the editor owns (language is saved on its own, immediately). */
export interface EditedPart {
  refresh_interval_secs: number;
  /** How many series a panel draws unless it sets its own limit (absent: the default). */
  series_limit?: number;
  datasources: Datasource[];
}

/** The settings' series limit when the file has none (Rust's `DEFAULT_SERIES_LIMIT`). */
export const DEFAULT_SERIES_LIMIT = 1000;

export function editedPart(settings: Settings): EditedPart {
  return {
    refresh_interval_secs: settings.refresh_interval_secs ?? 5,
    series_limit: settings.series_limit ?? DEFAULT_SERIES_LIMIT,
    datasources: (settings.datasources ?? []).map(normalizeDatasource),
  };
}

export function sameEdits(a: EditedPart, b: EditedPart): boolean {
  const norm = (p: EditedPart) =>
    JSON.stringify({ r: p.refresh_interval_secs, s: p.series_limit ?? DEFAULT_SERIES_LIMIT, d: p.datasources.map(normalizeDatasource) });
  return norm(a) === norm(b);
}

/** Default URL shown as a placeholder, per kind ("Local files" has paths instead). */
export const URL_PLACEHOLDER: Record<DatasourceKind, string> = {
  prometheus: "http://localhost:9090",
  alertmanager: "http://localhost:9093",
  elasticsearch: "http://localhost:9200",
  local_files: "",
};

/** Example paths shown in an empty "Local files" paths editor. */
export const PATHS_PLACEHOLDER = "~/logs/my-app\n/var/log/app/*.log*";
