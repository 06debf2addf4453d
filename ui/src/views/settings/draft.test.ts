import { describe, expect, it } from "vitest";
import { AppContext } from "../../app/context.svelte";
import { createFakeBackend } from "../../lib/backend/fake";
import type { Settings } from "../../lib/bindings";
import {
  datasourceFromEntry,
  datasourceId,
  editedPart,
  entryFromDatasource,
  parseWholeNumber,
  randomSuffix,
  sameEdits,
  slugify,
} from "./draft";
import { SettingsDraft } from "./draft.svelte";

describe("slugify", () => {
  it("lowercases, joins words with dashes and trims", () => {
    expect(slugify("Production Prometheus")).toBe("production-prometheus");
    expect(slugify("  --EU/West #2 -- ")).toBe("eu-west-2");
    expect(slugify("Café Münster")).toBe("cafe-munster");
  });

  it("gives nothing for a name with no Latin letters or digits", () => {
    expect(slugify("本番環境")).toBe("");
    expect(slugify("")).toBe("");
  });

  it("stays short and never ends on a dash", () => {
    const slug = slugify("a".repeat(31) + " b c");
    expect(slug.length).toBeLessThanOrEqual(32);
    expect(slug.endsWith("-")).toBe(false);
  });
});

describe("datasourceId", () => {
  it("is slug plus suffix, or kind plus suffix without a usable name", () => {
    expect(datasourceId("Prod EU", "prometheus", "x1y2", new Set()).id).toBe("prod-eu-x1y2");
    expect(datasourceId("本番", "alertmanager", "x1y2", new Set()).id).toBe("alertmanager-x1y2");
  });

  it("draws new suffixes until the id is unique", () => {
    const suffixes = ["aaaa", "bbbb", "cccc"];
    const taken = new Set(["prod-x1y2", "prod-aaaa"]);
    const result = datasourceId("Prod", "prometheus", "x1y2", taken, () => suffixes.shift()!);
    expect(result).toEqual({ id: "prod-bbbb", suffix: "bbbb" });
  });

  it("has random suffixes of four letters or digits", () => {
    const seen = new Set(Array.from({ length: 50 }, () => randomSuffix()));
    for (const s of seen) expect(s).toMatch(/^[a-z0-9]{4}$/);
    expect(seen.size).toBeGreaterThan(40);
  });
});

describe("parseWholeNumber", () => {
  it("accepts whole numbers, also typed full-width", () => {
    expect(parseWholeNumber(" 5000 ")).toBe(5000);
    expect(parseWholeNumber("１０")).toBe(10);
  });

  it("rejects everything else", () => {
    for (const bad of ["", "12a", "1.5", "-3", "1e3", "99999999999999999999"]) {
      expect(parseWholeNumber(bad), bad).toBeNull();
    }
  });
});

describe("entries", () => {
  it("round-trip a datasource, filling the defaults the backend would", () => {
    const ds = { id: "p", name: "P", kind: "prometheus" as const, url: "http://p:9090" };
    expect(datasourceFromEntry(entryFromDatasource(ds))).toEqual({
      ...ds,
      timeout_ms: 10_000,
      tls: { ca_file: null },
      auth: { type: "none" },
    });
  });

  it("round-trip Basic auth with its user name and bearer without one", () => {
    const ds = { id: "p", name: "P", kind: "prometheus" as const, url: "http://p:9090" };
    const basic = { ...ds, auth: { type: "basic" as const, username: "alice" } };
    expect(datasourceFromEntry(entryFromDatasource(basic)).auth).toEqual({ type: "basic", username: "alice" });
    const bearer = { ...ds, auth: { type: "bearer" as const } };
    expect(datasourceFromEntry(entryFromDatasource(bearer)).auth).toEqual({ type: "bearer" });
  });

  it("send an empty CA path as none", () => {
    const entry = entryFromDatasource({ id: "p", name: "P", kind: "prometheus", url: "u", tls: { ca_file: "/ca.pem" } });
    expect(datasourceFromEntry({ ...entry, ca: "  " }).tls).toEqual({ ca_file: null });
  });
});

describe("sameEdits", () => {
  const settings: Settings = {
    refresh_interval_secs: 5,
    datasources: [{ id: "p", name: "P", kind: "prometheus", url: "http://p:9090" }],
  };

  it("sees no change between a file's shorthand and the filled-in defaults", () => {
    const filled: Settings = {
      refresh_interval_secs: 5,
      datasources: [{ id: "p", name: "P", kind: "prometheus", url: "http://p:9090", timeout_ms: 10_000, tls: { ca_file: null } }],
    };
    expect(sameEdits(editedPart(settings), editedPart(filled))).toBe(true);
  });

  it("sees a changed field, interval, order or count", () => {
    const base = editedPart(settings);
    expect(sameEdits(base, { ...base, refresh_interval_secs: 6 })).toBe(false);
    expect(sameEdits(base, { ...base, datasources: [{ ...base.datasources[0]!, url: "http://q" }] })).toBe(false);
    expect(sameEdits(base, { ...base, datasources: [] })).toBe(false);
  });
});

describe("SettingsDraft", () => {
  async function setup(initial: Settings = {}) {
    const backend = createFakeBackend({
      settings: {
        version: 1,
        language: "en",
        refresh_interval_secs: 5,
        datasources: [
          { id: "prod", name: "Prod", kind: "prometheus", url: "http://prod:9090", timeout_ms: 10_000, tls: { ca_file: null } },
          { id: "bad", name: "Bad", kind: "prometheus", url: "not a url", timeout_ms: 10_000, tls: { ca_file: null } },
        ],
        ...initial,
      },
    });
    const app = new AppContext(backend, { viewIds: ["targets", "settings"], defaultView: "targets" });
    await app.start();
    return { backend, app, draft: new SettingsDraft(app) };
  }

  it("is clean until something changes, and clean again when changed back", async () => {
    const { draft } = await setup();
    expect(draft.dirty).toBe(false);
    const prod = draft.entries[0]!;
    draft.edit(prod.key, { url: "http://prod:9091" });
    expect(draft.dirty).toBe(true);
    draft.edit(prod.key, { url: "http://prod:9090" });
    expect(draft.dirty).toBe(false);
    draft.refresh = "10";
    expect(draft.dirty).toBe(true);
    draft.refresh = "5";
    expect(draft.dirty).toBe(false);
  });

  it("does not count opening a row as a change", async () => {
    const { draft } = await setup();
    draft.edit(draft.entries[0]!.key, { expanded: true });
    expect(draft.dirty).toBe(false);
  });

  it("gives a new datasource an id that follows its name until saved", async () => {
    const { draft } = await setup();
    const entry = draft.add("prometheus");
    expect(entry.id).toMatch(/^prometheus-[a-z0-9]{4}$/);
    expect(draft.focusKey).toBe(entry.key);
    draft.edit(entry.key, { name: "EU West" });
    const suffix = draft.entries.at(-1)!.suffix;
    expect(draft.entries.at(-1)!.id).toBe(`eu-west-${suffix}`);
    draft.edit(entry.key, { url: "http://eu:9090" });
    expect(await draft.save()).toBe(true);
    const saved = draft.entries.find((e) => e.id === `eu-west-${suffix}`)!;
    expect(saved.isNew).toBe(false);
    draft.edit(saved.key, { name: "Renamed" });
    expect(draft.entries.find((e) => e.key === saved.key)!.id).toBe(`eu-west-${suffix}`);
  });

  it("saves the edits on top of the saved settings and is clean afterwards", async () => {
    const { draft, backend } = await setup({ language: "ja" });
    draft.remove(draft.entries[1]!.key);
    draft.refresh = "15";
    expect(await draft.save()).toBe(true);
    expect(backend.saved.at(-1)).toMatchObject({ language: "ja", refresh_interval_secs: 15 });
    expect(backend.saved.at(-1)!.datasources!.map((d) => d.id)).toEqual(["prod"]);
    expect(draft.dirty).toBe(false);
    expect(draft.saveStatus).toBe("saved");
  });

  it("refuses to save numbers that are not numbers", async () => {
    const { draft, backend } = await setup();
    draft.edit(draft.entries[0]!.key, { timeout: "ten" });
    expect(draft.dirty).toBe(true);
    expect(draft.numbersValid).toBe(false);
    expect(await draft.save()).toBe(false);
    expect(backend.saved).toHaveLength(0);
  });

  it("keeps the edits and reports the error when saving fails", async () => {
    const { draft, backend } = await setup();
    draft.refresh = "30";
    backend.state.saveError = { code: "io", message: "disk full" };
    expect(await draft.save()).toBe(false);
    expect(draft.saveError?.message).toBe("disk full");
    expect(draft.dirty).toBe(true);
  });

  it("shows a problem on its field until that field is edited", async () => {
    const { draft } = await setup();
    const bad = draft.entries.find((e) => e.id === "bad")!;
    expect(draft.problem(bad, "url")?.error.code).toBe("invalid_input");
    expect(draft.problem(bad, "name")).toBeUndefined();
    expect(bad.expanded).toBe(true);
    draft.edit(bad.key, { url: "http://fixed:9090" });
    expect(draft.problem(draft.entries.find((e) => e.id === "bad")!, "url")).toBeUndefined();
  });

  it("shows a connection test only for the settings it tested", async () => {
    const { draft } = await setup();
    const prod = draft.entries[0]!;
    await draft.testConnection(prod);
    expect(draft.testFor(draft.entries[0]!)).toMatchObject({ status: "ok" });
    draft.edit(prod.key, { url: "http://other:9090" });
    expect(draft.testFor(draft.entries[0]!)).toBeUndefined();
  });

  it("discards edits and unsaved additions", async () => {
    const { draft } = await setup();
    draft.add("elasticsearch");
    draft.edit(draft.entries[0]!.key, { name: "Changed" });
    draft.discard();
    expect(draft.entries.map((e) => e.name)).toEqual(["Prod", "Bad"]);
    expect(draft.dirty).toBe(false);
  });
});
