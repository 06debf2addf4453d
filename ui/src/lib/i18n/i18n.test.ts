import { describe, expect, it } from "vitest";
import { en } from "./en";
import { i18n, setLocale, t } from "./index.svelte";
import { ja } from "./ja";
import { resolveLocale } from "./locale";
import { interpolate, placeholders, translate, type MessageKey } from "./translate";

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

describe("catalogues", () => {
  const keys = Object.keys(en) as MessageKey[];

  it("has every English key in Japanese, non-empty, with the same placeholders", () => {
    for (const key of keys) {
      expect(ja, key).toHaveProperty([key]);
      expect(ja[key].trim(), key).not.toBe("");
      expect(placeholders(ja[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("has no Japanese key that English lacks", () => {
    expect(Object.keys(ja).filter((k) => !(k in en))).toEqual([]);
  });

  it("actually translates: most Japanese messages contain Japanese", () => {
    const japanese = keys.filter((k) => /[\u3040-\u30ff\u4e00-\u9faf]/.test(ja[k]));
    expect(japanese.length / keys.length).toBeGreaterThan(0.8);
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
