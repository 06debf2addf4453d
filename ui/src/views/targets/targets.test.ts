import { describe, expect, it } from "vitest";
import type { DatasourceTargets, HinomiError } from "../../lib/bindings";
import { fakeTarget } from "../../testing/fakeBackend";
import { countHealth, groupByJob, matchesFilter, mergeAnswers, parseFilter, type DatasourceState } from "./targets";

const unreachable: HinomiError = { code: "unreachable", message: "connection refused" };
const all = { text: "", onlyDown: false };

function answer(id: string, partial: Partial<DatasourceTargets> = {}): DatasourceTargets {
  return {
    datasource_id: id,
    datasource_name: id.toUpperCase(),
    url: `http://${id}:9090`,
    targets: [],
    error: null,
    fetched_at: "2026-03-01T12:00:00Z",
    ...partial,
  };
}

describe("mergeAnswers", () => {
  const node = fakeTarget({ job: "node", instance: "a:9100" });

  it("takes a good answer as is", () => {
    const [ds] = mergeAnswers([], [answer("p", { targets: [node] })]);
    expect(ds).toMatchObject({ id: "p", name: "P", targets: [node], error: null, fetchedAt: "2026-03-01T12:00:00Z" });
  });

  it("keeps the last good targets when a refresh fails, with the error", () => {
    const first = mergeAnswers([], [answer("p", { targets: [node] })]);
    const [ds] = mergeAnswers(first, [answer("p", { error: unreachable, fetched_at: "2026-03-01T12:00:05Z" })]);
    expect(ds!.targets).toEqual([node]);
    expect(ds!.fetchedAt).toBe("2026-03-01T12:00:00Z");
    expect(ds!.error).toEqual(unreachable);
    expect(ds!.errorAt).toBe("2026-03-01T12:00:05Z");
  });

  it("recovers on the next good answer", () => {
    const failed = mergeAnswers(mergeAnswers([], [answer("p", { targets: [node] })]), [answer("p", { error: unreachable })]);
    const [ds] = mergeAnswers(failed, [answer("p", { targets: [] })]);
    expect(ds!.error).toBeNull();
    expect(ds!.targets).toEqual([]);
  });

  it("drops old targets when the URL changed (they belong to another server)", () => {
    const first = mergeAnswers([], [answer("p", { targets: [node] })]);
    const [ds] = mergeAnswers(first, [answer("p", { url: "http://elsewhere:9090", error: unreachable })]);
    expect(ds!.targets).toEqual([]);
    expect(ds!.fetchedAt).toBeNull();
  });

  it("follows the answer's datasources and order", () => {
    const first: DatasourceState[] = mergeAnswers([], [answer("a"), answer("b")]);
    expect(mergeAnswers(first, [answer("c"), answer("a")]).map((d) => d.id)).toEqual(["c", "a"]);
  });
});

describe("countHealth", () => {
  it("counts each health and the total", () => {
    const targets = [
      fakeTarget({ job: "j", instance: "1", health: "up" }),
      fakeTarget({ job: "j", instance: "2", health: "down" }),
      fakeTarget({ job: "j", instance: "3", health: "down" }),
      fakeTarget({ job: "j", instance: "4", health: "unknown" }),
    ];
    expect(countHealth(targets)).toEqual({ up: 1, down: 2, unknown: 1, total: 4 });
    expect(countHealth([])).toEqual({ up: 0, down: 0, unknown: 0, total: 0 });
  });
});

describe("filtering", () => {
  const db = fakeTarget({
    job: "node",
    instance: "db-01:9100",
    health: "down",
    last_error: "context deadline exceeded",
    labels: { job: "node", instance: "db-01:9100", env: "prod" },
  });
  const api = fakeTarget({ job: "demo-api", instance: "api-0:8080" });

  it("parses qualifiers and free words", () => {
    expect(parseFilter("job:node  DB instance:01 health:down")).toEqual({
      job: ["node"],
      instance: ["01"],
      health: ["down"],
      free: ["db"],
    });
  });

  it("matches job, instance, error text and labels, case-insensitively", () => {
    expect(matchesFilter(db, { text: "DEADLINE", onlyDown: false })).toBe(true);
    expect(matchesFilter(db, { text: "env=prod", onlyDown: false })).toBe(true);
    expect(matchesFilter(db, { text: "job:node db", onlyDown: false })).toBe(true);
    expect(matchesFilter(api, { text: "job:node", onlyDown: false })).toBe(false);
    expect(matchesFilter(api, { text: "instance:api", onlyDown: false })).toBe(true);
    expect(matchesFilter(db, { text: "health:up", onlyDown: false })).toBe(false);
  });

  it("needs every word to match", () => {
    expect(matchesFilter(db, { text: "db deadline", onlyDown: false })).toBe(true);
    expect(matchesFilter(db, { text: "db nothing", onlyDown: false })).toBe(false);
  });

  it("only down hides the rest", () => {
    expect(matchesFilter(db, { text: "", onlyDown: true })).toBe(true);
    expect(matchesFilter(api, { text: "", onlyDown: true })).toBe(false);
  });
});

describe("groupByJob", () => {
  const targets = [
    fakeTarget({ job: "node", instance: "node-10:9100" }),
    fakeTarget({ job: "node", instance: "node-2:9100", health: "down" }),
    fakeTarget({ job: "api", instance: "api-1:8080" }),
    fakeTarget({ job: "node", instance: "node-1:9100", health: "unknown" }),
  ];

  it("groups by job alphabetically, instances in natural order, with per-job counts", () => {
    const groups = groupByJob(targets, all);
    expect(groups.map((g) => g.job)).toEqual(["api", "node"]);
    expect(groups[1]!.targets.map((t) => t.instance)).toEqual(["node-1:9100", "node-2:9100", "node-10:9100"]);
    expect(groups[1]!.counts).toEqual({ up: 1, down: 1, unknown: 1, total: 3 });
  });

  it("leaves out groups the filter empties, but counts the whole job", () => {
    const groups = groupByJob(targets, { text: "", onlyDown: true });
    expect(groups.map((g) => g.job)).toEqual(["node"]);
    expect(groups[0]!.targets.map((t) => t.instance)).toEqual(["node-2:9100"]);
    expect(groups[0]!.counts.total).toBe(3);
  });

  it("does not reorder its input", () => {
    const copy = [...targets];
    groupByJob(targets, all);
    expect(targets).toEqual(copy);
  });
});
