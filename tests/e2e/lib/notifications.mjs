// A recording desktop notification server on the test's private D-Bus session bus (the e2e
// suites run under `dbus-run-session`), so tests can assert what the app sent: one notification
// per alert group, its urgency, actions and body.

import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, existsSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startDesktopFake } from "./desktop.mjs";

/**
 * Starts the server; resolves once it owns org.freedesktop.Notifications. `bodyMarkup: true`
 * makes it advertise the `body-markup` capability (a server that reads the body as markup).
 */
export async function startNotificationServer({ bodyMarkup = false } = {}) {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS) {
    throw new Error("no D-Bus session bus: run the e2e suite under dbus-run-session");
  }
  const dir = mkdtempSync(join(tmpdir(), "hinomi-e2e-notify-"));
  const log = join(dir, "notifications.jsonl");
  const child = await startDesktopFake("notification server", "notification_server.py", [
    log,
    ...(bodyMarkup ? ["--body-markup"] : []),
  ]);
  return {
    /** Every Notify call so far, oldest first. */
    records() {
      if (!existsSync(log)) return [];
      return readFileSync(log, "utf8")
        .split("\n")
        .filter(Boolean)
        .map((line) => JSON.parse(line));
    },
    /** Clicks an action of notification `id`, as a user would on a real server. */
    async invoke(id, action) {
      await new Promise((resolve, reject) => {
        const call = spawn("dbus-send", [
          "--session",
          "--type=method_call",
          "--dest=org.freedesktop.Notifications",
          "/org/freedesktop/Notifications",
          "org.hinomi.Test.Invoke",
          `uint32:${id}`,
          `string:${action}`,
        ]);
        call.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`dbus-send exited ${code}`))));
      });
    },
    stop() {
      child.kill("SIGTERM");
      // Its pipes must not keep the test file's process alive if it is slow to go.
      child.stdout.destroy();
      child.stderr.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
