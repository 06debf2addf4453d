// The one door to the Rust side. Views talk to a `Backend`, never to the generated
// bindings, so tests and the dev demo can swap in a fake without touching a component. This
// module only knows the generated bindings, never a view (views depend on lib, not the reverse).

import type { Channel } from "@tauri-apps/api/core";
import type { ErrorCode, HinomiError } from "../bindings";
import type { commands } from "../bindings";

type Commands = typeof commands;

/** A command's arguments, a Tauri channel at the end replaced by a plain callback. */
type CallbackArgs<P extends unknown[]> = P extends [...infer A, Channel<infer T>] ? [...A, (message: T) => void] : P;

/** The `{ status, data | error }` answer of commands that return `Result` in Rust. */
export type CommandResult<T> = { status: "ok"; data: T } | { status: "error"; error: HinomiError };

/** What a generated command resolves to. */
type Answer<K extends keyof Commands> = Awaited<ReturnType<Commands[K]>>;

/**
 * Commands that return a plain value in Rust: they cannot fail there, but the IPC call around
 * them can, so the Backend answers them with a `CommandResult` too.
 */
export type InfallibleCommand = { [K in keyof Commands]: Answer<K> extends CommandResult<unknown> ? never : K }[keyof Commands];

/**
 * Every command of the generated bindings, same names and same arguments, and every answer a
 * `CommandResult` (never an exception). Deriving it from `commands` means a new Rust command
 * shows up here (and in the fake) without hand-written types. A `Channel` argument becomes a
 * plain callback (the real backend makes the channel), so fakes and tests need no Tauri runtime.
 */
export type Backend = {
  [K in keyof Commands]: (
    ...args: CallbackArgs<Parameters<Commands[K]>>
  ) => Promise<Answer<K> extends CommandResult<infer T> ? CommandResult<T> : CommandResult<Answer<K>>>;
};

// A Record over the generated union: a new Rust error code fails the type check until listed.
const ERROR_CODE_LIST: Record<ErrorCode, true> = {
  invalid_input: true,
  invalid_config: true,
  secret: true,
  unreachable: true,
  timeout: true,
  tls: true,
  http_status: true,
  backend: true,
  decode: true,
  io: true,
  path_refused: true,
  not_found: true,
  internal: true,
  cancelled: true,
  rate_limited: true,
  unavailable: true,
  proxy_page: true,
  truncated: true,
};
const ERROR_CODES = new Set<string>(Object.keys(ERROR_CODE_LIST));

export function isHinomiError(value: unknown): value is HinomiError {
  if (typeof value !== "object" || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v.code === "string" && ERROR_CODES.has(v.code) && typeof v.message === "string";
}

/**
 * Turns whatever a failed call produced into a `HinomiError`. The IPC layer itself can fail with
 * a bare string (e.g. an argument that does not deserialise) or a JS `Error`; the UI only ever
 * deals with the one shape.
 */
export function toHinomiError(value: unknown): HinomiError {
  if (isHinomiError(value)) return value;
  if (value instanceof Error) {
    return { code: "internal", message: value.message, detail: value.stack ?? null };
  }
  if (typeof value === "string") return { code: "internal", message: value };
  let text: string;
  try {
    text = JSON.stringify(value);
  } catch {
    text = String(value);
  }
  return { code: "internal", message: text };
}

/**
 * Runs a command that returns `Result` in Rust: its error, or whatever the IPC layer threw, comes
 * back as the one `HinomiError` shape, never as an exception. Every real backend call goes
 * through here.
 */
export async function settle<T>(call: () => Promise<CommandResult<T>>): Promise<CommandResult<T>> {
  try {
    const result = await call();
    if (result.status === "error") return { status: "error", error: toHinomiError(result.error) };
    return result;
  } catch (err) {
    return { status: "error", error: toHinomiError(err) };
  }
}
