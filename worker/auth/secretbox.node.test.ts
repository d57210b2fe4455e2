import { describe, expect, it } from "vitest";
import { fromBase64Url, toBase64Url } from "../ids";
import { open, seal } from "./secretbox";

const KEY = "test-data-key-0123456789abcdef";

describe("secretbox (AES-GCM at rest)", () => {
  it("round-trips, with a random IV each time", async () => {
    const a = await seal(KEY, "totp", "usr_1", "JBSWY3DPEHPK3PXP");
    const b = await seal(KEY, "totp", "usr_1", "JBSWY3DPEHPK3PXP");
    expect(a).not.toBe(b);
    expect(fromBase64Url(a).length).toBe(12 + 16 + 16);
    expect(await open(KEY, "totp", "usr_1", a)).toBe("JBSWY3DPEHPK3PXP");
  });

  it("refuses another key, purpose or owner, tampering, and junk", async () => {
    const box = await seal(KEY, "totp", "usr_1", "secret");
    expect(await open("another-key", "totp", "usr_1", box)).toBeNull();
    expect(await open(KEY, "other", "usr_1", box)).toBeNull();
    expect(await open(KEY, "totp", "usr_2", box)).toBeNull();
    const bytes = fromBase64Url(box);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] ?? 0) ^ 1;
    expect(await open(KEY, "totp", "usr_1", toBase64Url(bytes))).toBeNull();
    expect(await open(KEY, "totp", "usr_1", "")).toBeNull();
    expect(await open(KEY, "totp", "usr_1", "%%%")).toBeNull();
  });
});
