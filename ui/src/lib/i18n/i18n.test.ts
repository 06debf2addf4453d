import { describe, expect, it } from "vitest";
import { i18n, setLocale, t } from "./index.svelte";
import { resolveLocale } from "./locale";
import { interpolate, translate } from "./translate";

describe("resolveLocale", () => {
  it("uses an explicit language whatever the OS says", () => {
    expect(resolveLocale("en", "ja-JP")).toBe("en");
    expect(resolveLocale("ja", "en-US")).toBe("ja");
  });

  it("follows the OS for system: any Japanese tag is ja, anything else en", () => {
    expect(resolveLocale("system", "ja-JP")).toBe("ja");
    expect(resolveLocale("system", "ja")).toBe("ja");
    expect(resolveLocale("system", "ja_JP.UTF-8")).toBe("ja");
    expect(resolveLocale("system", "JA-jp")).toBe("ja");
    expect(resolveLocale("system", "en-US")).toBe("en");
    expect(resolveLocale("system", "de-DE")).toBe("en");
    expect(resolveLocale("system", "jam")).toBe("en");
    expect(resolveLocale("system", "")).toBe("en");
    expect(resolveLocale(undefined, undefined)).toBe("en");
  });
});

describe("interpolate", () => {
  it("fills every placeholder, repeated or not", () => {
    expect(interpolate("{up}/{total} up, {up} again", { up: 3, total: 5 })).toBe("3/5 up, 3 again");
  });

  it("leaves unknown placeholders visible rather than inventing text", () => {
    expect(interpolate("Hello {name}", {})).toBe("Hello {name}");
  });

  it("does not read inherited properties as parameters", () => {
    expect(interpolate("{toString}", {})).toBe("{toString}");
  });
});

describe("t", () => {
  it("follows the active locale", () => {
    setLocale("en");
    expect(t("targets.jobSummary", { up: 2, total: 3 })).toBe("2/3 up");
    setLocale("ja");
    expect(i18n.locale).toBe("ja");
    expect(t("targets.jobSummary", { up: 2, total: 3 })).toBe("2/3 正常");
    expect(document.documentElement.lang).toBe("ja");
    setLocale("en");
  });

  it("translates for a given locale without changing the active one", () => {
    setLocale("en");
    expect(translate("ja", "view.settings.title")).toBe("設定");
    expect(t("view.settings.title")).toBe("Settings");
  });
});
