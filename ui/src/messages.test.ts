// The app's joined catalogues (lib's messages plus every view's): both languages complete.

import { describe, expect, it } from "vitest";
import { t } from "./lib/i18n/index.svelte";
import { placeholders, translate, type MessageKey } from "./lib/i18n/translate";
import { en, ja } from "./messages";

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

describe("installed catalogues", () => {
  it("resolve every key of every view in both languages, not only lib's own", () => {
    expect(t("explore.run")).toBe("Run query");
    for (const key of Object.keys(en) as MessageKey[]) {
      expect(translate("en", key), key).toBe(en[key]);
      expect(translate("ja", key), key).toBe(ja[key]);
    }
  });
});
