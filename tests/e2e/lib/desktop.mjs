// The desktop around the app under Xvfb: the Python fakes of desktop services on the session bus
// (tray host, notification server), and the X11 state of the app's window (Xvfb has no window
// manager or panel of its own).

import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const lib = dirname(fileURLToPath(import.meta.url));

/**
 * Starts one of this folder's Python fakes of a desktop service (`script` with `args`) and
 * resolves with the process once it prints "ready" (it owns its bus name by then); rejects with
 * what it said if it exits or stays silent for 15 s.
 */
export async function startDesktopFake(what, script, args) {
  const child = spawn("/usr/bin/python3", [join(lib, script), ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${output}`)), 15_000);
    child.stdout.on("data", (d) => {
      output += d;
      if (output.includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} exited (${code}):\n${output}`));
    });
  });
  return child;
}

/** A fake desktop tray host on the session bus; `items()` is what it read from tray icons. */
export async function startTrayHost() {
  const dir = mkdtempSync(join(tmpdir(), "hinomi-e2e-tray-"));
  const out = join(dir, "tray.json");
  const child = await startDesktopFake("tray host", "tray_host.py", [out]);
  return {    items: () => (existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : []),
    stop() {
      child.kill("SIGTERM");
      child.stdout.destroy();
      child.stderr.destroy();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The X11 map state of the app's window: IsViewable, IsUnMapped, ... */
export async function mapState() {
  const { stdout } = await run("xwininfo", ["-name", "Hinomi"]);
  return /Map State:\s*(\w+)/.exec(stdout)?.[1];
}
