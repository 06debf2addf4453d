import { describe, expect, it, vi } from "vitest";
import { createFakeBackend, fakeTarget } from "../../testing/fakeBackend";
import { wrapCommand } from "../../lib/backend/tauri";
import { TargetsStore } from "./store.svelte";

function setup() {
  const backend = createFakeBackend({
    settings: {
      version: 1,
      language: "en",
      refresh_interval_secs: 5,
      datasources: [{ id: "p", name: "P", kind: "prometheus", url: "http://p:9090", timeout_ms: 1000, tls: { ca_file: null } }],
    },
    targets: { p: [fakeTarget({ job: "node", instance: "a:9100" })] },
  });
  return { backend, store: new TargetsStore(backend) };
}

describe("TargetsStore", () => {
  it("loads targets and marks itself loaded", async () => {
    const { store } = setup();
    expect(store.loaded).toBe(false);
    await store.refresh();
    expect(store.loaded).toBe(true);
    expect(store.datasources[0]!.targets).toHaveLength(1);
    expect(store.refreshing).toBe(false);
  });

  it("joins a refresh already running instead of starting another", async () => {
    const { backend, store } = setup();
    await Promise.all([store.refresh(), store.refresh(), store.refresh()]);
    expect(backend.calls.filter(([name]) => name === "listTargets")).toHaveLength(1);
  });

  it("keeps the data and reports the error when the whole call fails, then recovers", async () => {
    const { backend, store } = setup();
    await store.refresh();
    backend.state.listTargetsError = { code: "internal", message: "IPC broke" };
    await store.refresh();
    expect(store.error?.message).toBe("IPC broke");
    expect(store.datasources[0]!.targets).toHaveLength(1);
    backend.state.listTargetsError = null;
    await store.refresh();
    expect(store.error).toBeNull();
  });

  it("turns a thrown exception into an error instead of an unhandled rejection", async () => {
    const { backend, store } = setup();
    // As the real backend answers when the IPC call itself throws.
    backend.listTargets = wrapCommand("listTargets", () => Promise.reject(new Error("boom")));
    await store.refresh();
    expect(store.error).toMatchObject({ code: "internal", message: "boom" });
    expect(store.loaded).toBe(true);
  });

  it("polls at the configured interval and stops when asked", async () => {
    vi.useFakeTimers();
    try {
      const { backend, store } = setup();
      let every = 5;
      const stop = store.poll(() => every);
      const calls = () => backend.calls.filter(([name]) => name === "listTargets").length;
      await vi.advanceTimersByTimeAsync(0);
      expect(calls()).toBe(1);
      await vi.advanceTimersByTimeAsync(4_900);
      expect(calls()).toBe(1);
      await vi.advanceTimersByTimeAsync(200);
      expect(calls()).toBe(2);
      every = 1;
      await vi.advanceTimersByTimeAsync(5_000);
      expect(calls()).toBe(3);
      await vi.advanceTimersByTimeAsync(1_000);
      expect(calls()).toBe(4);
      stop();
      await vi.advanceTimersByTimeAsync(10_000);
      expect(calls()).toBe(4);
    } finally {
      vi.useRealTimers();
    }
  });
});
