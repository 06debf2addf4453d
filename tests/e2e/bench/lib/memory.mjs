// Memory of a process tree as the kernel accounts it: PSS (each shared page split among the
// processes that map it), so an app's WebKit helpers and a baseline browser's are summed fairly.
// Shared by the start-up benchmark and the soak.

import { readFileSync, readdirSync, readlinkSync, realpathSync } from "node:fs";
import { appBinary, sleep } from "../../lib/harness.mjs";

function children(pid) {
  const out = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

/** `rootPid` and all its descendants. */
export function processTree(rootPid) {
  const all = [rootPid];
  for (let i = 0; i < all.length; i++) all.push(...children(all[i]));
  return all;
}

/**
 * The process running `exe`; with `home`, the one whose environment names that directory (an
 * app started by the harness, where another copy of the same binary may be running beside it).
 */
export function findProcessByExe(exe, { home } = {}) {
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readlinkSync(`/proc/${entry}/exe`) !== exe) continue;
      if (home && !readFileSync(`/proc/${entry}/environ`, "utf8").includes(`=${home}/`)) continue;
      return Number(entry);
    } catch {
      // Not ours to read, or gone.
    }
  }
  return null;
}

/** The process of an app the harness started (`startApp`): its binary, run from its home. */
export function appProcess(app) {
  return findProcessByExe(realpathSync(appBinary), { home: app.home });
}

/** A process's short name (`/proc/PID/comm`, at most 15 characters), "?" when it is gone. */
export function processName(pid) {
  try {
    return readFileSync(`/proc/${pid}/comm`, "utf8").trim();
  } catch {
    return "?";
  }
}

/**
 * Where a mapping's memory lives, from its smaps header. The names answer "what is it":
 * the program's own file, shared libraries, the brk heap, other anonymous memory (malloc arenas,
 * JavaScriptCore's and bmalloc's heaps, thread stacks made with mmap), stacks, shared memory
 * (memfd, /dev/shm: WebKit's shared buffers between its processes) and device memory.
 */
function mappingKind(path, exe) {
  if (!path) return "anonymous";
  if (path === "[heap]") return "brk heap";
  if (path.startsWith("[stack")) return "stacks";
  if (path.startsWith("[")) return "kernel ([vdso], [vvar])";
  if (path.startsWith("/memfd:") || path.startsWith("/dev/shm") || path.startsWith("/SYSV")) return "shared memory";
  if (path.startsWith("/dev/")) return "devices";
  if (path === exe) return "program file";
  if (/\.so(\.|$)/.test(path)) return "shared libraries";
  return "other files (fonts, caches, icu data)";
}

/** PSS in KiB per kind of mapping of one process (`/proc/PID/smaps`). */
export function pssByKind(pid) {
  let text;
  let exe = "";
  try {
    text = readFileSync(`/proc/${pid}/smaps`, "utf8");
    exe = readlinkSync(`/proc/${pid}/exe`);
  } catch {
    return {};
  }
  const kinds = {};
  let kind = "anonymous";
  for (const line of text.split("\n")) {
    // A mapping header: "start-end perms offset dev inode [path]"; the path may hold spaces.
    const header = /^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \d+\s*(.*)$/.exec(line);
    if (header) {
      kind = mappingKind(header[1].replace(/ \(deleted\)$/, ""), exe);
      continue;
    }
    const pss = /^Pss:\s+(\d+) kB/.exec(line);
    if (pss) kinds[kind] = (kinds[kind] ?? 0) + Number(pss[1]);
  }
  return kinds;
}

/** PSS in KiB of one process, 0 when it is gone. */
export function pssKiB(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    return Number(/^Pss:\s+(\d+) kB/m.exec(text)?.[1] ?? 0);
  } catch {
    return 0;
  }
}

/**
 * Memory only this process holds (USS: its private pages), in KiB. Unlike PSS it does not move
 * when another program starts or stops mapping the same libraries, so the soak's leak verdict
 * reads it too.
 */
export function ussKiB(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/smaps_rollup`, "utf8");
    const field = (name) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(text)?.[1] ?? 0);
    return field("Private_Clean") + field("Private_Dirty");
  } catch {
    return 0;
  }
}

/**
 * The PSS of a tree, in MiB: the total, per process (by name; WebKit's helpers are one each)
 * and, with `detail`, per kind of mapping within each process.
 */
export function treeMemory(rootPid, { detail = false } = {}) {
  const pids = processTree(rootPid);
  const processes = pids.map((pid) => {
    const kib = pssKiB(pid);
    const entry = { pid, name: processName(pid), mib: kib / 1024, ussMib: ussKiB(pid) / 1024 };
    if (detail) {
      entry.kinds = Object.fromEntries(Object.entries(pssByKind(pid)).map(([k, v]) => [k, v / 1024]));
    }
    return entry;
  });
  return {
    mib: processes.reduce((sum, p) => sum + p.mib, 0),
    ussMib: processes.reduce((sum, p) => sum + p.ussMib, 0),
    names: processes.map((p) => p.name),
    processes,
  };
}

export const median = (xs) => {
  const s = xs.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length === 0 ? NaN : s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Samples every 15 s for `minutes`: each row is the minute, what `page()` reads from the page,
 * and the web process's anonymous memory + heap (the floor a garbage-collected page comes back
 * to) and its PSS, in MiB; `onRow` gets the rows so far after each. */
export async function sampleWebProcess(rootPid, minutes, page, onRow) {
  const started = Date.now();
  const rows = [];
  while (Date.now() - started < minutes * 60_000) {
    await sleep(15_000);
    const web = treeMemory(rootPid).processes.find((p) => p.name.startsWith("WebKitWebProces"));
    if (!web) throw new Error(`no web process under the app (pid ${rootPid}) at minute ${((Date.now() - started) / 60_000).toFixed(2)}: it crashed or the app exited`);
    const kinds = pssByKind(web.pid);
    const anonymous = ((kinds.anonymous ?? 0) + (kinds["brk heap"] ?? 0)) / 1024;
    rows.push([((Date.now() - started) / 60_000).toFixed(2), ...(await page()), anonymous.toFixed(1), web.mib.toFixed(1)]);
    onRow(rows);
  }
  return rows;
}
