// The desktop around the app under Xvfb: a fake tray host on the session bus, and the X11 state
// of the app's window (Xvfb has no window manager or panel of its own).

import { execFile, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const lib = dirname(fileURLToPath(import.meta.url));

/** A fake desktop tray host on the session bus; `items()` is what it read from tray icons. */
export async function startTrayHost() {
  const dir = mkdtempSync(join(tmpdir(), "hinomi-e2e-tray-"));
  const out = join(dir, "tray.json");
  const child = spawn("/usr/bin/python3", [join(lib, "tray_host.py"), out], { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`tray host did not start:\n${output}`)), 15_000);
    child.stdout.on("data", (d) => {
      output += d;
      if (output.includes("ready")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.stderr.on("data", (d) => (output += d));
    child.on("exit", (code) => reject(new Error(`tray host exited (${code}):\n${output}`)));
  });
  return {
    items: () => (existsSync(out) ? JSON.parse(readFileSync(out, "utf8")) : []),
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
