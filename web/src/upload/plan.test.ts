import { describe, expect, it } from "vitest";
import { bytesDone, defaultName, humanSize, kindOf, missingParts, partCount, partRange } from "./plan";

const MiB = 1024 * 1024;

describe("upload plan", () => {
  it("maps MIME types to message kinds, anything else to file", () => {
    expect(kindOf("image/png")).toBe("image");
    expect(kindOf("Audio/WebM;codecs=opus")).toBe("audio");
    expect(kindOf("video/mp4")).toBe("video");
    expect(kindOf("application/pdf")).toBe("file");
    expect(kindOf("")).toBe("file");
  });

  it("cuts a 12 MiB file into an 8 MiB part and a 4 MiB part", () => {
    expect(partCount(12 * MiB, 8 * MiB)).toBe(2);
    expect(partRange(1, 12 * MiB, 8 * MiB)).toEqual([0, 8 * MiB]);
    expect(partRange(2, 12 * MiB, 8 * MiB)).toEqual([8 * MiB, 12 * MiB]);
    expect(partCount(0, 8 * MiB)).toBe(1);
  });

  it("resumes from the parts the server has, redoing a short one", () => {
    const size = 20 * MiB;
    expect(missingParts(size, 8 * MiB, [])).toEqual([1, 2, 3]);
    expect(missingParts(size, 8 * MiB, [{ partNumber: 1, size: 8 * MiB }])).toEqual([2, 3]);
    expect(missingParts(size, 8 * MiB, [{ partNumber: 2, size: 3 }])).toEqual([1, 2, 3]);
    expect(
      missingParts(size, 8 * MiB, [
        { partNumber: 3, size: 4 * MiB },
        { partNumber: 1, size: 8 * MiB },
      ]),
    ).toEqual([2]);
    expect(bytesDone(size, 8 * MiB, [{ partNumber: 3, size: 4 * MiB }])).toBe(4 * MiB);
    expect(bytesDone(size, 8 * MiB, [{ partNumber: 1, size: 1 }])).toBe(0);
  });

  it("shows sizes for people", () => {
    expect(humanSize(512)).toBe("512 B");
    expect(humanSize(1536)).toBe("1.5 KB");
    expect(humanSize(12 * MiB)).toBe("12.0 MB");
  });

  it("names pasted images and recordings by type and time", () => {
    const now = new Date("2025-03-04T05:06:07Z");
    expect(defaultName("image", "image/jpeg", now)).toBe("image-20250304050607.jpg");
    expect(defaultName("voice", "audio/webm;codecs=opus", now)).toBe("voice-20250304050607.webm");
  });
});
