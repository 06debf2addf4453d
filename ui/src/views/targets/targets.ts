// Targets as the view shows them: merged across refreshes, summarised, filtered, grouped by job.
// Pure functions, unit-tested.

import type { DatasourceTargets, HinomiError, ScrapeTarget, TargetHealth } from "../../lib/bindings";

/** What the view shows for one Prometheus: its latest good targets and its latest error. */
export interface DatasourceState {
  id: string;
  name: string;
  url: string;
  /** The last targets received; kept when a later refresh fails. */
  targets: ScrapeTarget[];
  /** When `targets` were fetched; null if never. */
  fetchedAt: string | null;
  /** The latest refresh's error, if it failed. */
  error: HinomiError | null;
  errorAt: string | null;
}

/**
 * Folds a new answer into what is shown. A datasource that fails keeps its previous targets
 * (marked by `error`), unless its URL changed, in which case the old targets are not its own.
 * Datasources no longer in the answer are dropped; order follows the answer.
 */
export function mergeAnswers(previous: readonly DatasourceState[], answers: readonly DatasourceTargets[]): DatasourceState[] {
  const byId = new Map(previous.map((ds) => [ds.id, ds]));
  return answers.map((answer) => {
    const before = byId.get(answer.datasource_id);
    const base = { id: answer.datasource_id, name: answer.datasource_name, url: answer.url };
    if (!answer.error) {
      return { ...base, targets: answer.targets, fetchedAt: answer.fetched_at, error: null, errorAt: null };
    }
    const keep = before && before.url === answer.url;
    return {
      ...base,
      targets: keep ? before.targets : [],
      fetchedAt: keep ? before.fetchedAt : null,
      error: answer.error,
      errorAt: answer.fetched_at,
    };
  });
}

export interface HealthCounts {
  up: number;
  down: number;
  unknown: number;
  total: number;
}

export function countHealth(targets: Iterable<ScrapeTarget>): HealthCounts {
  const counts: HealthCounts = { up: 0, down: 0, unknown: 0, total: 0 };
  for (const target of targets) {
    counts[target.health] += 1;
    counts.total += 1;
  }
  return counts;
}

export interface TargetFilter {
  text: string;
  onlyDown: boolean;
}

interface ParsedFilter {
  job: string[];
  instance: string[];
  health: string[];
  free: string[];
}

/** `job:node instance:db health:down some text`; qualifiers and words must all match. */
export function parseFilter(text: string): ParsedFilter {
  const parsed: ParsedFilter = { job: [], instance: [], health: [], free: [] };
  for (const raw of text.normalize("NFKC").toLowerCase().split(/\s+/)) {
    if (!raw) continue;
    const match = /^(job|instance|health):(.*)$/.exec(raw);
    if (match && match[2]) parsed[match[1] as "job" | "instance" | "health"].push(match[2]);
    else parsed.free.push(raw);
  }
  return parsed;
}

/** The filter as a predicate, parsed once for a whole table. */
export function compileFilter(filter: TargetFilter): (target: ScrapeTarget) => boolean {
  const parsed = parseFilter(filter.text);
  return (target) => matchesParsed(target, parsed, filter.onlyDown);
}

export function matchesFilter(target: ScrapeTarget, filter: TargetFilter): boolean {
  return compileFilter(filter)(target);
}

function matchesParsed(target: ScrapeTarget, parsed: ParsedFilter, onlyDown: boolean): boolean {
  if (onlyDown && target.health !== "down") return false;
  const job = target.job.toLowerCase();
  const instance = target.instance.toLowerCase();
  if (!parsed.job.every((q) => job.includes(q))) return false;
  if (!parsed.instance.every((q) => instance.includes(q))) return false;
  if (!parsed.health.every((q) => target.health.startsWith(q))) return false;
  if (parsed.free.length === 0) return true;
  const haystack = [
    target.job,
    target.instance,
    target.scrape_url,
    target.last_error,
    target.health,
    ...Object.entries(target.labels).map(([k, v]) => `${k}=${v}`),
  ]
    .join("\n")
    .toLowerCase();
  return parsed.free.every((q) => haystack.includes(q));
}

export function isFilterActive(filter: TargetFilter): boolean {
  return filter.onlyDown || filter.text.trim() !== "";
}

export interface JobGroup {
  job: string;
  /** Health of the whole job, whatever the filter. */
  counts: HealthCounts;
  /** The job's targets that pass the filter, by instance. */
  targets: ScrapeTarget[];
}

const collator = new Intl.Collator("en", { numeric: true, sensitivity: "base" });

/**
 * Groups by job (alphabetical), instances in natural order (node-2 before node-10). Groups with
 * no target passing the filter are left out.
 */
export function groupByJob(targets: readonly ScrapeTarget[], filter: TargetFilter): JobGroup[] {
  const jobs = new Map<string, ScrapeTarget[]>();
  for (const target of targets) {
    const list = jobs.get(target.job);
    if (list) list.push(target);
    else jobs.set(target.job, [target]);
  }
  const matches = compileFilter(filter);
  const groups: JobGroup[] = [];
  for (const [job, all] of jobs) {
    const visible = all.filter(matches);
    if (visible.length === 0) continue;
    visible.sort((a, b) => collator.compare(a.instance, b.instance) || collator.compare(a.scrape_url, b.scrape_url));
    groups.push({ job, counts: countHealth(all), targets: visible });
  }
  return groups.sort((a, b) => collator.compare(a.job, b.job));
}

export const HEALTH_ORDER: readonly TargetHealth[] = ["up", "down", "unknown"];
