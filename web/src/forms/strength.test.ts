import { describe, expect, it } from "vitest";
import { passwordStrength } from "./strength";

describe("passwordStrength", () => {
  it("calls short, common and run-of-keys passwords weak", () => {
    for (const pw of ["", "abc", "password", "Password", "12345678", "aaaaaaaaaaaaaaaa", "abcdefghijkl", "98765432"]) {
      expect(passwordStrength(pw), pw).toBe("weak");
    }
    expect(passwordStrength("lowercase")).toBe("weak");
  });

  it("calls a mix of kinds or some length fair", () => {
    expect(passwordStrength("lower123")).toBe("fair");
    expect(passwordStrength("onlylowercase")).toBe("fair");
    expect(passwordStrength("onlylowercaseletters")).toBe("strong");
  });

  it("calls long or long-and-mixed passwords strong", () => {
    expect(passwordStrength("correct horse battery")).toBe("strong");
    expect(passwordStrength("Tr0ub4dor&3x!")).toBe("strong");
    expect(passwordStrength("密码很长而且难猜的句子Ab1")).toBe("strong");
  });
});
