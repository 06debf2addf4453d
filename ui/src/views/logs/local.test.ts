// Local files sources in Discover: adding one (typed, chosen, dropped), its index status kept
// fresh on a fake clock, and the view showing paths and status instead of an index pattern.

import { fireEvent, render, waitFor } from "@testing-library/svelte";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { appContext } from "../../app/context.svelte";
import { startedApp, stubResizeObserver } from "../../test-support";
import { createFakeIncidents } from "../incidents/fake";
import { createFakeLogs } from "./fake";
import { onFileDrag } from "./drop";
import LogsView from "./LogsView.svelte";
import { LOCAL_STATUS_EVERY_MS, LogsStore, logsStore } from "./store.svelte";
import type { LogsBackend } from "./types";

const NOW = Date.parse("2026-11-24T12:00:00Z");

function setup() {
  const logs = createFakeLogs({}, () => NOW);
  const api = { ...createFakeIncidents(), ...logs } as unknown as LogsBackend;
  const store = new LogsStore(api, null, () => NOW);
  const calls = (name: string) => logs.logsState.calls.filter(([n]) => n === name);
  return { logs, store, calls };
}

afterEach(() => vi.useRealTimers());

// The table and histogram only need a ResizeObserver that never reports.
beforeAll(() => stubResizeObserver());

describe("adding local log files", () => {
  it("adds typed paths as a source, switches to it and searches it", async () => {
    const { store, calls } = setup();
    await store.start();
    expect(store.target?.local_files).toBeFalsy();
    const added = await store.addSource(["  /var/log/app  ", "", "/tmp/x.log.gz"]);
    expect(added?.local_files).toBe(true);
    expect(calls("addLocalLogSource").at(-1)?.[1]).toEqual([["/var/log/app", "/tmp/x.log.gz"]]);
    expect(store.target?.datasource_id).toBe(added?.datasource_id);
    expect(store.targets.map((t) => t.datasource_id)).toContain(added?.datasource_id);
    const [searchedTarget] = calls("searchLogs").at(-1)![1] as [{ datasource_id: string }];
    expect(searchedTarget.datasource_id).toBe(added?.datasource_id);
    expect(store.addError).toBeNull();
  });

  it("nothing to add is no call; a refusal is kept to show", async () => {
    const { store, calls, logs } = setup();
    await store.start();
    expect(await store.addSource(["  ", ""])).toBeNull();
    expect(calls("addLocalLogSource")).toHaveLength(0);
    logs.addLocalLogSource = async () => ({ status: "error", error: { code: "io", message: "Cannot read /root/x: permission denied" } });
    const api = { ...createFakeIncidents(), ...logs } as unknown as LogsBackend;
    const refused = new LogsStore(api, null, () => NOW);
    await refused.start();
    expect(await refused.addSource(["/root/x"])).toBeNull();
    expect(refused.addError?.message).toContain("permission denied");
    expect(refused.target?.local_files).toBeFalsy();
  });

  it("a cancelled chooser changes nothing; a chosen folder becomes the source", async () => {
    const { store, logs } = setup();
    await store.start();
    const before = store.target;
    expect(await store.chooseSource(true)).toBeNull();
    expect(store.target).toBe(before);
    logs.logsState.chosen = ["/home/me/bundle"];
    const chosen = await store.chooseSource(true);
    expect(chosen?.index).toBe("/home/me/bundle");
    expect(store.target?.datasource_id).toBe(chosen?.datasource_id);
  });
});

describe("fields of a local source", () => {
  it("are asked for again with every search, as the index learns them", async () => {
    const { store, calls } = setup();
    await store.start();
    await store.search();
    const engine = calls("logFields").length;
    await store.search();
    expect(calls("logFields").length).toBe(engine);
    await store.addSource(["/var/log/app"]);
    const added = calls("logFields").length;
    await store.search();
    await vi.waitFor(() => expect(calls("logFields").length).toBe(added + 1));
  });
});

describe("the settings editor after a drop", () => {
  it("follows a datasource added elsewhere when untouched, and keeps the user's edits otherwise", async () => {
    const { app } = await startedApp();
    const { settingsDraft } = await import("../settings/draft.svelte");
    const draft = settingsDraft(app);
    const before = draft.entries.length;
    const store = logsStore(app);
    await onFileDrag(app, store, { type: "drop", paths: ["/srv/logs"] });
    await vi.waitFor(() => expect(draft.entries.length).toBe(before + 1));
    expect(draft.dirty).toBe(false);

    draft.edit(draft.entries[0]!.key, { name: "Edited" });
    await onFileDrag(app, store, { type: "drop", paths: ["/srv/other"] });
    expect(draft.entries.length).toBe(before + 1);
    expect(draft.entries[0]!.name).toBe("Edited");
    expect(draft.dirty).toBe(true);
  });
});

describe("the index status", () => {
  it("is asked for on a local source only, and polled while watched", async () => {
    vi.useFakeTimers();
    const { store, calls } = setup();
    await store.start();
    const stop = store.watchLocalStatus();
    await vi.advanceTimersByTimeAsync(LOCAL_STATUS_EVERY_MS * 3);
    expect(calls("localLogStatus")).toHaveLength(0);
    expect(store.localStatus).toBeNull();

    await store.addSource(["/var/log/app"]);
    await vi.advanceTimersByTimeAsync(0);
    expect(store.localStatus?.lines_indexed).toBe(3_000);
    const polled = calls("localLogStatus").length;
    await vi.advanceTimersByTimeAsync(LOCAL_STATUS_EVERY_MS * 2);
    expect(calls("localLogStatus").length).toBe(polled + 2);

    stop();
    await vi.advanceTimersByTimeAsync(LOCAL_STATUS_EVERY_MS * 5);
    expect(calls("localLogStatus").length).toBe(polled + 2);
  });
});

describe("dropping files on the window", () => {
  it("shows the drop hint while files are over the window and adds them on drop", async () => {
    const { app, backend } = await startedApp();
    const store = logsStore(app);
    app.nav.go("dashboards");
    await onFileDrag(app, store, { type: "enter", paths: ["/srv/logs"] });
    expect(store.dropHover).toBe(true);
    expect(app.nav.current).toBe("logs");
    await onFileDrag(app, store, { type: "leave" });
    expect(store.dropHover).toBe(false);

    await onFileDrag(app, store, { type: "drop", paths: ["/srv/logs", "/srv/old.log.gz"] });
    expect(store.dropHover).toBe(false);
    expect(store.target?.local_files).toBe(true);
    expect(store.target?.index).toBe("/srv/logs, /srv/old.log.gz");
    const fake = backend as unknown as { logsState: { calls: Array<[string, unknown[]]> } };
    expect(fake.logsState.calls.filter(([n]) => n === "addLocalLogSource")).toHaveLength(1);
  });

  it("a drag with no paths (text, a link) is not a source", async () => {
    const { app } = await startedApp();
    const store = logsStore(app);
    await onFileDrag(app, store, { type: "enter", paths: [] });
    expect(store.dropHover).toBe(false);
    await onFileDrag(app, store, { type: "drop", paths: [] });
    expect(store.target?.local_files).toBeFalsy();
  });
});

describe("LogsView on a local source", () => {
  it("shows the paths instead of an index pattern, the status with its files and issues, and adds typed paths", async () => {
    const { app } = await startedApp();
    const view = render(LogsView, { context: appContext(app) });
    const index = await view.findByTestId("logs-index");
    expect(index.tagName).toBe("INPUT");
    await fireEvent.click(view.getByTestId("logs-add-source"));
    const paths = await view.findByTestId("logs-add-paths");
    expect((view.getByTestId("logs-add-submit") as HTMLButtonElement).disabled).toBe(true);
    await fireEvent.input(paths, { target: { value: "/var/log/dataset-management\n" } });
    await fireEvent.click(view.getByTestId("logs-add-submit"));
    await waitFor(() => expect(view.queryByTestId("logs-add-dialog")).toBeNull());
    const shown = await view.findByTestId("logs-index");
    expect(shown.tagName).toBe("SPAN");
    expect(shown.textContent).toBe("/var/log/dataset-management");
    const status = await view.findByTestId("logs-local-status");
    await waitFor(() => expect(status.dataset.lines).toBe("3000"));
    expect(status.dataset.issues).toBe("2");
    await fireEvent.click(status);
    const panel = await view.findByTestId("logs-local-status-panel");
    expect(panel.querySelectorAll("[data-testid=logs-local-file]")).toHaveLength(1);
    const issue = panel.querySelector("[data-testid=logs-local-issue]") as HTMLElement;
    expect(issue.dataset.kind).toBe("invalid_utf8");
    expect(issue.textContent).toContain("17");
    view.unmount();
  });
});
