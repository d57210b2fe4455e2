import { beforeAll, describe, expect, it, vi } from "vitest";
import { type Lang, setLang } from "../i18n";
import { ApiFailure, describeCode, describeError } from "./failure";

// setLang persists the choice and marks <html lang>: plain Node has neither.
beforeAll(() => {
  vi.stubGlobal("localStorage", { setItem: () => undefined, getItem: () => null });
  vi.stubGlobal("document", { documentElement: {} });
});
const setLangForTest = (lang: Lang) => setLang(lang);

describe("describeError: words by code, never the server's English", () => {
  it("maps codes to the current language", () => {
    setLangForTest("zh-CN");
    expect(describeError(new ApiFailure(401, "invalid_credentials", "wrong username or password"))).toBe(
      "用户名或密码错误。",
    );
    setLangForTest("en");
    expect(describeError(new ApiFailure(401, "invalid_credentials", "wrong username or password"))).toBe(
      "Wrong username or password.",
    );
  });

  it("names the field of an invalid_request by its rule, not by its wire name", () => {
    setLangForTest("en");
    const details = [{ field: "username", message: "must be 3-32 of a-z 0-9 _ . -" }];
    expect(describeCode("invalid_request", details)).toBe(
      "Username: 3–32 characters: lowercase letters a–z, digits and _ . -",
    );
    const text = describeCode("invalid_request", [{ field: "q", message: "q has no searchable words" }]);
    expect(text).not.toMatch(/\bq\b/);
  });

  it("treats codes and fields as untrusted: prototype names get the generic text", () => {
    setLangForTest("en");
    for (const code of ["__proto__", "constructor", "toString", "hasOwnProperty", "valueOf"]) {
      expect(describeCode(code)).toBe("Something went wrong. Please try again.");
      expect(describeCode("invalid_request", [{ field: code, message: "x" }])).toBe(
        "The server refused this. Check what you entered.",
      );
    }
    expect(describeCode("invalid_request", "not an array")).toBe("The server refused this. Check what you entered.");
  });
});
