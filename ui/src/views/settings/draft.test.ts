// Over 400 lines: the tests of draft.ts and draft.svelte.ts (ids, numbers, entries, local files, edits, the draft store) share one set of fixtures.
import { describe, expect, it } from "vitest";
import { AppContext } from "../../app/context.svelte";
import { createFakeBackend } from "../../testing/fakeBackend";
import type { Datasource, Settings } from "../../lib/bindings";
import { translate } from "../../lib/i18n/translate";
import {
  address,
  datasourceFromEntry,
  datasourceId,
  editedPart,
  entryFromDatasource,
  KINDS,
  parsePaths,
  parseWholeNumber,
  randomSuffix,
  sameEdits,
  slugify,
  URL_PLACEHOLDER,
  type EditedPart,
} from "./draft";
import { SettingsDraft } from "./draft.svelte";
import { demoLogFiles } from "./fixtures";
import { settingsView } from "./index";

const demoOpenSearch = (): Datasource => ({
  id: "demo-opensearch",
  name: "Demo OpenSearch",
  kind: "elasticsearch",
  url: "http://127.0.0.1:19200",
  timeout_ms: 10_000,
  tls: { ca_file: null },
  logs: { index_pattern: "dataset-management-*", time_field: "@timestamp", ignore_unavailable: true, max_response_mib: 64 },
});

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

  it("round-trip the client certificate, its key and the skip switch, sending them only when set", () => {
    const tls = { ca_file: "/ca.pem", client_cert_file: "/c.pem", client_key_file: "/k.pem", insecure_skip_verify: true };
    const entry = entryFromDatasource({ id: "p", name: "P", kind: "prometheus", url: "u", tls });
    expect(entry).toMatchObject({ ca: "/ca.pem", clientCert: "/c.pem", clientKey: "/k.pem", skipVerify: true });
    expect(datasourceFromEntry(entry).tls).toEqual(tls);
    const cleared = datasourceFromEntry({ ...entry, clientCert: " ", clientKey: "", skipVerify: false });
    expect(cleared.tls).toEqual({ ca_file: "/ca.pem" });
    expect(datasourceFromEntry({ ...entry, clientCert: " /c2.pem " }).tls?.client_cert_file).toBe("/c2.pem");
  });

  it("round-trip the range-query split, sending it only when off and only for Prometheus", () => {
    const ds = { id: "p", name: "P", kind: "prometheus" as const, url: "u" };
    expect(entryFromDatasource(ds).splitRangeQueries).toBe(true);
    expect(datasourceFromEntry(entryFromDatasource(ds))).not.toHaveProperty("split_range_queries");
    const off = entryFromDatasource({ ...ds, split_range_queries: false });
    expect(off.splitRangeQueries).toBe(false);
    expect(datasourceFromEntry(off).split_range_queries).toBe(false);
    expect(datasourceFromEntry({ ...off, kind: "alertmanager" })).not.toHaveProperty("split_range_queries");
    const saved = editedPart({ version: 1, datasources: [{ ...ds, split_range_queries: false }] });
    const unchanged = editedPart({ version: 1, datasources: [ds] });
    expect(sameEdits(saved, unchanged)).toBe(false);
    expect(sameEdits(unchanged, editedPart({ version: 1, datasources: [{ ...ds, split_range_queries: true }] }))).toBe(true);
  });

  it("send an empty CA path as none", () => {
    const entry = entryFromDatasource({ id: "p", name: "P", kind: "prometheus", url: "u", tls: { ca_file: "/ca.pem" } });
    expect(datasourceFromEntry({ ...entry, ca: "  " }).tls).toEqual({ ca_file: null });
  });
});

describe("local files entries", () => {
  it("round-trip paths and the empty (detected) time field, with no URL, TLS or auth", () => {
    const entry = entryFromDatasource(demoLogFiles());
    expect(entry.paths).toBe("~/.local/state/hinomi-demo/logs/demo-api");
    expect(entry.timeField).toBe("");
    const back = datasourceFromEntry(entry);
    expect(back).toEqual({ ...demoLogFiles(), auth: { type: "none" } });
    // Sent even though empty: a missing time_field would deserialise to "@timestamp" in Rust.
    expect(back.logs).toHaveProperty("time_field", "");
  });

  it("send the paths trimmed, one a line, without blank lines", () => {
    const entry = { ...entryFromDatasource(demoLogFiles()), paths: "  /var/log/app/*.log*  \r\n\n   \n~/logs/api\n", timeField: " ts " };
    const logs = datasourceFromEntry(entry).logs!;
    expect(logs.paths).toEqual(["/var/log/app/*.log*", "~/logs/api"]);
    expect(logs.time_field).toBe("ts");
    expect(parsePaths("\n \n")).toEqual([]);
  });

  it("send paths and an explicit empty time field when there were no log options before", () => {
    const before = entryFromDatasource({ id: "f", name: "F", kind: "alertmanager", url: "http://am:9093" });
    const entry = { ...before, kind: "local_files" as const, paths: "/srv/logs" };
    expect(datasourceFromEntry(entry).logs).toEqual({ paths: ["/srv/logs"], time_field: "" });
  });

  it("send the time zone trimmed, and leave it out when empty as Rust does", () => {
    const entry = { ...entryFromDatasource(demoLogFiles()), timeZone: " Asia/Tokyo " };
    expect(datasourceFromEntry(entry).logs?.time_zone).toBe("Asia/Tokyo");
    const back = entryFromDatasource(datasourceFromEntry(entry));
    expect(back.timeZone).toBe("Asia/Tokyo");
    const cleared = datasourceFromEntry({ ...back, timeZone: "  " }).logs!;
    expect(cleared).not.toHaveProperty("time_zone");
    // A saved zone the form does not touch survives a save unchanged.
    const saved: Datasource = { ...demoLogFiles(), logs: { ...demoLogFiles().logs!, time_zone: "UTC" } };
    expect(sameEdits(editedPart({ datasources: [saved] }), { refresh_interval_secs: 5, datasources: [datasourceFromEntry(entryFromDatasource(saved))] })).toBe(true);
  });

  it("read a file's missing time field as the backend does", () => {
    const ds: Datasource = { id: "f", name: "F", kind: "local_files", url: "", logs: { paths: ["/srv/logs"] } };
    expect(entryFromDatasource(ds).timeField).toBe("@timestamp");
    expect(sameEdits(editedPart({ datasources: [ds] }), { refresh_interval_secs: 5, datasources: [datasourceFromEntry(entryFromDatasource(ds))] })).toBe(true);
  });

  it("keep every field's value across a switch to local files and back", () => {
    const prom = entryFromDatasource({
      id: "p",
      name: "P",
      kind: "prometheus",
      url: "http://p:9090",
      timeout_ms: 5000,
      tls: { ca_file: "/ca.pem" },
      auth: { type: "basic", username: "alice" },
    });
    const asFiles = { ...prom, kind: "local_files" as const, paths: "/var/log/p" };
    const sent = datasourceFromEntry(asFiles);
    expect(sent).toMatchObject({ url: "", tls: { ca_file: null }, auth: { type: "none" }, logs: { paths: ["/var/log/p"], time_field: "" } });
    expect(sent.timeout_ms).toBe(5000);
    expect(datasourceFromEntry({ ...asFiles, kind: "prometheus" })).toEqual(datasourceFromEntry(prom));

    const files = entryFromDatasource(demoLogFiles());
    const asEs = { ...files, kind: "elasticsearch" as const, url: "http://es:9200" };
    expect(datasourceFromEntry({ ...asEs, kind: "local_files" })).toEqual(datasourceFromEntry(files));
  });

  it("do not let a hidden unparsable timeout block saving", () => {
    const entry = { ...entryFromDatasource(demoLogFiles()), timeout: "abc" };
    expect(datasourceFromEntry(entry).timeout_ms).toBe(10_000);
  });

  it("are named by their paths where others show their URL", () => {
    const entry = { ...entryFromDatasource(demoLogFiles()), paths: "/a\n\n /b " };
    expect(address(entry)).toBe("/a, /b");
    expect(address(entryFromDatasource({ id: "p", name: "P", kind: "prometheus", url: "http://p:9090" }))).toBe("http://p:9090");
  });

  it("are a kind of their own, with a placeholder entry and a palette command", () => {
    expect(KINDS).toContain("local_files");
    expect(URL_PLACEHOLDER.local_files).toBe("");
    expect(translate("en", "command.addDatasource.local_files")).toBe("Add local files datasource");
    expect(translate("ja", "settings.kind.local_files")).toBe("ローカルファイル");
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

  it("sees no change in the default settings' log datasources loaded and sent back", () => {
    const defaults: Settings = { refresh_interval_secs: 5, datasources: [demoOpenSearch(), demoLogFiles()] };
    const sent: EditedPart = { refresh_interval_secs: 5, datasources: defaults.datasources!.map((ds) => datasourceFromEntry(entryFromDatasource(ds))) };
    expect(sameEdits(editedPart(defaults), sent)).toBe(true);
  });

  it("ignores fields local files do not use, but sees their paths and time field", () => {
    const base = editedPart({ datasources: [demoLogFiles()] });
    const files = base.datasources[0]!;
    const unused: Datasource = { ...files, url: "http://x", tls: { ca_file: "/ca.pem" }, auth: { type: "bearer" } };
    expect(sameEdits(base, { ...base, datasources: [unused] })).toBe(true);
    const spaced: Datasource = { ...files, logs: { ...files.logs, paths: [" ~/.local/state/hinomi-demo/logs/demo-api ", ""] } };
    expect(sameEdits(base, { ...base, datasources: [spaced] })).toBe(true);
    const morePaths: Datasource = { ...files, logs: { ...files.logs, paths: ["/a", "/b"] } };
    expect(sameEdits(base, { ...base, datasources: [morePaths] })).toBe(false);
    const timeField: Datasource = { ...files, logs: { ...files.logs, time_field: "ts" } };
    expect(sameEdits(base, { ...base, datasources: [timeField] })).toBe(false);
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

  it("edits the series limit: 1,000 by default, saved as a number, junk blocks saving", async () => {
    const { backend, draft } = await setup();
    expect(draft.seriesLimit).toBe("1000");
    draft.seriesLimit = "abc";
    expect(draft.seriesLimitValid).toBe(false);
    expect(draft.canSave).toBe(false);
    draft.seriesLimit = "2500";
    expect(draft.dirty).toBe(true);
    expect(await draft.save()).toBe(true);
    const stored = await backend.getSettings();
    expect(stored.status === "ok" && stored.data.loaded.settings.series_limit).toBe(2500);
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
    // Asking long queries in halves changes no connection: the result still holds.
    draft.edit(prod.key, { splitRangeQueries: false });
    expect(draft.testFor(draft.entries[0]!)).toMatchObject({ status: "ok" });
    draft.edit(prod.key, { url: "http://other:9090" });
    expect(draft.testFor(draft.entries[0]!)).toBeUndefined();
  });

  it("is clean after loading the default log datasources, dirty once their paths change", async () => {
    const { draft } = await setup({ datasources: [demoOpenSearch(), demoLogFiles()] });
    expect(draft.dirty).toBe(false);
    const files = draft.entries.find((e) => e.id === "demo-log-files")!;
    draft.edit(files.key, { paths: `${files.paths}\n/var/log/app/*.log*` });
    expect(draft.dirty).toBe(true);
    draft.edit(files.key, { paths: "  ~/.local/state/hinomi-demo/logs/demo-api  \n\n" });
    expect(draft.dirty).toBe(false);
    draft.edit(files.key, { timeField: "ts" });
    expect(draft.dirty).toBe(true);
  });

  it("saves a local files datasource with its paths and an empty time field", async () => {
    const { draft, backend } = await setup();
    const entry = draft.add("local_files");
    expect(entry.id).toMatch(/^local_files-[a-z0-9]{4}$/);
    draft.edit(entry.key, { name: "App logs", paths: "/var/log/app/*.log*\n\n ~/logs/worker \n" });
    expect(draft.canSave).toBe(true);
    expect(await draft.save()).toBe(true);
    const saved = backend.saved.at(-1)!.datasources!.find((d) => d.kind === "local_files")!;
    expect(saved).toMatchObject({ name: "App logs", url: "", auth: { type: "none" }, tls: { ca_file: null }, timeout_ms: 10_000 });
    expect(saved.logs).toEqual({ paths: ["/var/log/app/*.log*", "~/logs/worker"], time_field: "" });
  });

  it("shows a paths problem until the paths are edited, and ignores fields local files hide", async () => {
    const { draft, app } = await setup({ datasources: [{ ...demoLogFiles(), logs: { ...demoLogFiles().logs, paths: ["  "] } }] });
    const view = app.settings.view!;
    // The fake checks as Settings::problems does: a path, not a URL.
    expect(view.problems.map((p) => p.field)).toEqual(["logs.paths"]);
    const files = () => draft.entries[0]!;
    expect(draft.problem(files(), "logs.paths")?.error.message).toContain("Add a folder");
    expect(draft.hasProblems(files())).toBe(true);
    draft.edit(files().key, { paths: "\n" });
    expect(draft.problem(files(), "logs.paths")).toBeDefined();
    draft.edit(files().key, { paths: "/srv/logs" });
    expect(draft.problem(files(), "logs.paths")).toBeUndefined();
  });

  it("does not refuse to save a local files datasource over a timeout it does not show", async () => {
    const { draft } = await setup({ datasources: [demoLogFiles()] });
    draft.edit(draft.entries[0]!.key, { timeout: "soon" });
    expect(draft.numbersValid).toBe(true);
  });

  it("adds a local files datasource from the palette", async () => {
    const { app, draft } = await setup();
    const command = settingsView.commands!(app).find((c) => c.id === "settings-add-local_files")!;
    expect(command.label).toBe("command.addDatasource.local_files");
    app.keep("settings-draft", () => draft);
    command.run();
    expect(draft.entries.at(-1)).toMatchObject({ kind: "local_files", isNew: true, expanded: true });
    expect(app.nav.current).toBe("settings");
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
