import { describe, expect, it } from "vitest";
import { en } from "./en";
import { format, pickLang, t } from "./index";
import { zhCN } from "./zh-CN";

describe("i18n", () => {
  it("follows the browser until a language is stored", () => {
    expect(pickLang(null, ["zh-CN", "en"])).toBe("zh-CN");
    expect(pickLang(null, ["zh-Hans-CN"])).toBe("zh-CN");
    expect(pickLang(null, ["fr-FR", "en-GB"])).toBe("en");
    expect(pickLang(null, ["de"])).toBe("en");
    expect(pickLang("en", ["zh-CN"])).toBe("en");
    expect(pickLang("zh-CN", ["en-US"])).toBe("zh-CN");
    expect(pickLang("klingon", ["zh-TW"])).toBe("zh-CN");
  });

  it("has every key translated, with the same placeholders", () => {
    const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zhCN[key].length, key).toBeGreaterThan(0);
      expect(placeholders(zhCN[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it("fills placeholders and leaves unknown ones visible", () => {
    expect(t("charsLeft", { n: 12 }, "en")).toBe("12 characters left");
    expect(t("charsLeft", { n: 12 }, "zh-CN")).toBe("还可输入 12 个字符");
    expect(format("{a} and {b}", { a: "x" })).toBe("x and {b}");
  });
});
