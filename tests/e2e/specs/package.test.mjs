// The Debian package as a person installs it: apt puts the binary, desktop entry, icons and
// AppStream metadata where the desktop finds them; the INSTALLED binary (not the build in
// target/) reaches the Targets view of the demo stack; installing a newer package over it keeps
// the incident created with the older one.
//
// Needs the two packages scripts/test builds with scripts/package (the same binary at two
// versions): HINOMI_PACKAGE_DEB, installed first, and HINOMI_PACKAGE_UPGRADE_DEB, the newer one.
// Installs them with apt (through sudo when not root): the only spec that touches the system.

import { describe, it, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, openSync, readSync, closeSync, readFileSync } from "node:fs";
import { startApp, startStack, settingsFor, screenshot, waitFor } from "../lib/harness.mjs";

const firstDeb = process.env.HINOMI_PACKAGE_DEB;
const upgradeDeb = process.env.HINOMI_PACKAGE_UPGRADE_DEB;
const TITLE = "Upgrade keeps me 更新後も残る";
// Every size the freedesktop hicolor theme has a directory for, up to 512.
const ICON_SIZES = [16, 22, 24, 32, 48, 64, 128, 256, 512];
const SEED_JOBS = ["dataset-management-api", "node-exporter", "postgres-exporter", "prometheus"];

const run = (cmd, args) => execFileSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
const asRoot = (cmd, args) => (process.getuid() === 0 ? run(cmd, args) : run("sudo", ["-n", cmd, ...args]));
const debField = (deb, field) => run("dpkg-deb", ["-f", deb, field]).trim();
const installedVersion = () => run("dpkg-query", ["-W", "-f=${Version}", "hinomi"]).trim();

/** apt, as a person installs a downloaded package: resolves its Depends from the archive. */
function aptInstall(deb) {
  asRoot("env", ["DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "--allow-downgrades", deb]);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file) {
  const header = Buffer.alloc(24);
  const fd = openSync(file, "r");
  try {
    readSync(fd, header, 0, 24, 0);
  } finally {
    closeSync(fd);
  }
  assert.equal(header.toString("latin1", 12, 16), "IHDR", `${file} is a PNG`);
  return [header.readUInt32BE(16), header.readUInt32BE(20)];
}

async function targetHealth(browser) {
  const health = {};
  for (const row of await browser.$$('[data-testid="target-row"]')) {
    health[await row.getAttribute("data-job")] = await row.getAttribute("data-health");
  }
  return health;
}

describe("Debian package", () => {
  let stack;
  let app;
  let home;
  let installedFiles;
  let binary;

  before(async () => {
    assert.ok(firstDeb && upgradeDeb, "HINOMI_PACKAGE_DEB and HINOMI_PACKAGE_UPGRADE_DEB name the packages (scripts/test builds them with scripts/package)");
    // Absolute paths: apt takes a path with a slash as a file, a bare name as a package.
    assert.ok(firstDeb.startsWith("/") && upgradeDeb.startsWith("/"), "absolute .deb paths");
    // scripts/test installed the first one already; again here so that the spec can run twice.
    aptInstall(firstDeb);
    assert.equal(installedVersion(), debField(firstDeb, "Version"));
    installedFiles = run("dpkg", ["-L", "hinomi"]).split("\n").filter(Boolean);
    binary = installedFiles.find((f) => /\/bin\/hinomi$/.test(f));
    stack = await startStack({ scrapeInterval: "2s" });
  });

  after(async () => {
    await app?.stop();
    await stack?.stop();
  });

  it("installs the binary, desktop entry, every hicolor icon size and AppStream metadata", () => {
    assert.equal(binary, "/usr/bin/hinomi");
    const missingLibs = run("ldd", [binary]).split("\n").filter((l) => /not found/.test(l));
    assert.deepEqual(missingLibs, [], "every library the installed binary links is installed");

    const depends = debField(firstDeb, "Depends").split(",").map((d) => d.trim().split(" ")[0]);
    for (const runtime of ["libwebkit2gtk-4.1-0", "libgtk-3-0", "libayatana-appindicator3-1"]) {
      assert.ok(depends.includes(runtime), `Depends names ${runtime}: ${depends}`);
    }

    const desktop = installedFiles.find((f) => /^\/usr\/share\/applications\/[^/]+\.desktop$/.test(f));
    assert.ok(desktop, `a desktop entry in /usr/share/applications: ${installedFiles.join(" ")}`);
    run("desktop-file-validate", [desktop]);
    const entry = readFileSync(desktop, "utf8");
    assert.match(entry, /^Exec=hinomi$/m);
    assert.match(entry, /^Icon=hinomi$/m);
    assert.match(entry, /^Name=Hinomi$/m);

    for (const size of ICON_SIZES) {
      const icon = `/usr/share/icons/hicolor/${size}x${size}/apps/hinomi.png`;
      assert.ok(installedFiles.includes(icon) && existsSync(icon), `${icon} is installed`);
      assert.deepEqual(pngSize(icon), [size, size], `${icon} is ${size}x${size}`);
    }

    const metainfo = "/usr/share/metainfo/app.hinomi.console.metainfo.xml";
    assert.ok(installedFiles.includes(metainfo) && existsSync(metainfo), `${metainfo} is installed`);
    run("appstreamcli", ["validate", "--no-net", metainfo]);
    const launchable = readFileSync(metainfo, "utf8").match(/<launchable type="desktop-id">([^<]+)</)?.[1];
    assert.equal(`/usr/share/applications/${launchable}`, desktop, "the metadata launches the installed desktop entry");
  });

  it("the installed binary shows the demo stack's targets", async () => {
    app = await startApp({ settingsToml: settingsFor(stack), binary });
    const { browser } = app;
    await (await browser.$('[data-testid="nav-targets"]')).click();
    await waitFor("all seed jobs up", async () => {
      const health = await targetHealth(browser);
      return SEED_JOBS.every((job) => health[job] === "up");
    });
    await screenshot(browser, "package-installed-targets");
  });

  it("creates an incident with the older package", async () => {
    const $ = (id) => app.browser.$(`[data-testid="${id}"]`);
    await (await $("nav-incidents")).click();
    await (await $("view-incidents")).waitForExist({ timeout: 20_000 });
    await (await $("incidents-new")).click();
    await (await $("incidents-new-title")).setValue(TITLE);
    await (await $("incidents-new-submit")).click();
    await waitFor("the new incident's row", async () => (await (await $("incident-row")).getText()).includes(TITLE), {
      timeoutMs: 10_000,
    });
    home = app.home;
    await app.stop({ keepHome: true });
    app = null;
  });

  it("keeps the incident when a newer package is installed over the older one", async () => {
    assert.ok(home, "the older package's app ran");
    const newer = debField(upgradeDeb, "Version");
    run("dpkg", ["--compare-versions", newer, "gt", installedVersion()]);
    aptInstall(upgradeDeb);
    assert.equal(installedVersion(), newer, "dpkg shows the newer version installed");

    app = await startApp({ home, binary });
    const $ = (id) => app.browser.$(`[data-testid="${id}"]`);
    await (await $("nav-incidents")).click();
    await (await $("view-incidents")).waitForExist({ timeout: 20_000 });
    const titles = await waitFor("the incident list", async () => {
      const texts = [];
      for (const row of await app.browser.$$('[data-testid="incident-row"]')) texts.push(await row.getText());
      return texts.length > 0 ? texts : null;
    });
    assert.equal(titles.filter((t) => t.includes(TITLE)).length, 1, `one incident from before the upgrade: ${titles}`);
    await screenshot(app.browser, "package-upgraded-incident-kept");
  });
});
