// The real backend: every generated command, through one wrapper that turns a Rust error, an
// IPC failure or a plain Rust value into a `CommandResult` (see `settle`). Nothing per command is
// written here, so a new Rust command needs no line in this file.

import { Channel } from "@tauri-apps/api/core";
import { commands } from "../bindings";
import { settle, type Backend, type CommandResult, type InfallibleCommand } from "./backend";

type Commands = typeof commands;

// Records over the derived unions: a new command that returns a plain value in Rust fails the type
// check until it is listed here, and so does a listed one that starts returning `Result`.
const INFALLIBLE: Record<InfallibleCommand, true> = {
  appInfo: true,
  reportFirstPaint: true,
  getSettings: true,
  datasourceHealth: true,
  alertBoard: true,
  refreshAlerts: true,
  silenceDefaults: true,
  pauseNotifications: true,
  snoozeAlertGroup: true,
  checkWatchRules: true,
  incidentDefaults: true,
  checkRuleFile: true,
};

/** A callback argument travels as a Tauri channel (functions cannot be sent over IPC anyway). */
function toIpc(arg: unknown): unknown {
  if (typeof arg !== "function") return arg;
  const channel = new Channel<unknown>();
  channel.onmessage = arg as (message: unknown) => void;
  return channel;
}

type AnyCommand = (...args: unknown[]) => Promise<unknown>;

/**
 * `command` (the generated `commands[name]`, or a stand-in in a test) answered as the Backend
 * promises: see `Backend` in backend.ts.
 */
export function wrapCommand<K extends keyof Commands>(name: K, command: AnyCommand): Backend[K] {
  const call = (args: unknown[]) => command(...args.map(toIpc));
  const plain = name in INFALLIBLE;
  const wrapped = (...args: unknown[]) =>
    settle(async () => {
      const answer = await call(args);
      return (plain ? { status: "ok", data: answer } : answer) as CommandResult<unknown>;
    });
  return wrapped as unknown as Backend[K];
}

export const tauriBackend = Object.fromEntries(
  (Object.keys(commands) as Array<keyof Commands>).map((name) => [name, wrapCommand(name, commands[name] as AnyCommand)]),
) as Backend;
