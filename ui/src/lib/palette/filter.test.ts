import { describe, expect, it } from "vitest";
import { normalize, rank, score } from "./filter";
import { CommandRegistry, commandTexts, type PaletteCommand } from "./registry.svelte";

describe("score", () => {
  it("ranks prefix over word start over substring over fuzzy", () => {
    const prefix = score("ref", "refresh targets");
    const wordStart = score("tar", "refresh targets");
    const inside = score("arg", "refresh targets");
    const fuzzy = score("rt", "refresh targets");
    expect(prefix).toBeGreaterThan(wordStart);
    expect(wordStart).toBeGreaterThan(inside);
    expect(inside).toBeGreaterThan(fuzzy);
    expect(fuzzy).toBeGreaterThan(0);
  });

  it("matches initials and runs but not scattered letters", () => {
    expect(score("gts", "go to settings")).toBeGreaterThan(0);
    expect(score("gotoset", "go to settings")).toBeGreaterThan(0);
    expect(score("set", "refresh targets")).toBe(0);
    expect(score("xyz", "go to settings")).toBe(0);
  });

  it("matches several words anywhere", () => {
    expect(score("targets refresh", "refresh targets")).toBeGreaterThan(0);
  });

  it("matches Japanese by substring", () => {
    expect(score(normalize("設定"), normalize("設定を開く"))).toBeGreaterThan(0);
    expect(score(normalize("言語"), normalize("表示言語を日本語に切り替え"))).toBeGreaterThan(0);
  });
});

describe("normalize", () => {
  it("folds full-width IME input and case", () => {
    expect(normalize("ＴＡＲＧＥＴ  ｓ")).toBe("target s");
  });
});

describe("rank", () => {
  const items = ["Go to Targets", "Go to Settings", "Refresh targets", "Add Prometheus datasource"];
  const texts = (s: string) => [s];

  it("keeps everything in order for an empty query", () => {
    expect(rank(items, "", texts)).toEqual(items);
    expect(rank(items, "   ", texts)).toEqual(items);
  });

  it("puts the best match first and drops non-matches", () => {
    expect(rank(items, "refresh", texts)).toEqual(["Refresh targets"]);
    expect(rank(items, "targets", texts)).toEqual(["Go to Targets", "Refresh targets"]);
    expect(rank(items, "prom", texts)).toEqual(["Add Prometheus datasource"]);
    expect(rank(items, "nothing like it", texts)).toEqual([]);
  });

  it("keeps registration order between equal scores", () => {
    expect(rank(["b item", "a item"], "item", texts)).toEqual(["b item", "a item"]);
  });
});

describe("commands", () => {
  const command = (id: string, extra: Partial<PaletteCommand> = {}): PaletteCommand => ({
    id,
    section: "action",
    label: "command.refreshTargets",
    run: () => {},
    ...extra,
  });

  it("are found by their English label while the UI is in Japanese", () => {
    const refresh = command("refresh");
    const texts = commandTexts(refresh, "ja");
    expect(texts).toContain("ターゲットを再読み込み");
    expect(texts).toContain("Refresh targets");
    expect(rank([refresh], "refresh", (c) => commandTexts(c, "ja"))).toEqual([refresh]);
    expect(rank([refresh], "再読み込み", (c) => commandTexts(c, "ja"))).toEqual([refresh]);
  });

  it("put navigation first, hide what does not apply, and can be removed again", () => {
    const registry = new CommandRegistry();
    const action = command("act");
    const hidden = command("hidden", { when: () => false });
    const nav = command("nav", { section: "navigate", label: "palette.goTo", params: () => ({ view: "X" }) });
    const unregister = registry.register([action, hidden]);
    registry.register([nav]);
    expect(registry.available.map((c) => c.id)).toEqual(["nav", "act"]);
    unregister();
    expect(registry.available.map((c) => c.id)).toEqual(["nav"]);
  });

  it("replace an earlier command with the same id", () => {
    const registry = new CommandRegistry();
    registry.register([command("same")]);
    const newer = command("same", { label: "command.saveSettings" });
    registry.register([newer]);
    expect(registry.available).toEqual([newer]);
  });
});
