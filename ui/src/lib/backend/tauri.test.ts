import { describe, expect, it, vi } from "vitest";

// The real Channel needs the Tauri runtime; this one only records its callback.
vi.mock("@tauri-apps/api/core", () => ({
  invoke: vi.fn(),
  Channel: class {
    onmessage: ((message: unknown) => void) | null = null;
  },
}));

const { commands } = await import("../bindings");
const { tauriBackend, wrapCommand } = await import("./tauri");

describe("tauriBackend", () => {
  it("has every generated command", () => {
    expect(Object.keys(tauriBackend).sort()).toEqual(Object.keys(commands).sort());
  });
});

describe("wrapCommand", () => {
  it("answers a command that returns a plain value in Rust as ok", async () => {
    const appInfo = wrapCommand("appInfo", async () => ({ version: "1" }));
    expect(await appInfo()).toEqual({ status: "ok", data: { version: "1" } });
  });

  it("turns a plain command's IPC failure into a HinomiError instead of an exception", async () => {
    const getSettings = wrapCommand("getSettings", () => Promise.reject("state not managed"));
    expect(await getSettings()).toEqual({ status: "error", error: { code: "internal", message: "state not managed" } });
  });

  it("passes a Result command's error through as it is", async () => {
    const error = { code: "unreachable" as const, message: "connection refused" };
    const listTargets = wrapCommand("listTargets", async () => ({ status: "error", error }));
    expect(await listTargets()).toEqual({ status: "error", error });
  });

  it("turns a Result command's thrown Error into a HinomiError", async () => {
    const listTargets = wrapCommand("listTargets", () => Promise.reject(new Error("boom")));
    expect(await listTargets()).toMatchObject({ status: "error", error: { code: "internal", message: "boom" } });
  });

  it("sends a callback argument as a channel that calls it", async () => {
    const seen: unknown[] = [];
    let sent: unknown[] = [];
    const exportLogs = wrapCommand("exportLogs", async (...args: unknown[]) => {
      sent = args;
      return { status: "ok", data: null };
    });
    const onProgress = (message: unknown) => seen.push(message);
    const target = { datasource_id: "logs", index: "x", time_field: "@timestamp" };
    await exportLogs(target, {} as never, "csv", [], "/tmp/x.csv", onProgress);
    expect(sent.slice(0, 5)).toEqual([target, {}, "csv", [], "/tmp/x.csv"]);
    const channel = sent[5] as { onmessage: (m: unknown) => void };
    expect(channel).not.toBe(onProgress);
    channel.onmessage({ written: 1 });
    expect(seen).toEqual([{ written: 1 }]);
  });

  it("answers the defaults and snooze commands as ok, and their IPC failure as an error", async () => {
    const silenceDefaults = wrapCommand("silenceDefaults", async () => ({ created_by: "me" }));
    expect(await silenceDefaults()).toEqual({ status: "ok", data: { created_by: "me" } });
    const snooze = wrapCommand("snoozeAlertGroup", () => Promise.reject("state not managed"));
    expect(await snooze({}, null)).toEqual({ status: "error", error: { code: "internal", message: "state not managed" } });
  });
});
