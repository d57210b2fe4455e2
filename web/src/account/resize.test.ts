import { describe, expect, it } from "vitest";
import { squareCrop } from "./resize";

describe("squareCrop", () => {
  it("takes the middle square of a wide or tall picture, scaled down to 256", () => {
    expect(squareCrop(4000, 3000)).toEqual({ sx: 500, sy: 0, side: 3000, out: 256 });
    expect(squareCrop(1080, 1920)).toEqual({ sx: 0, sy: 420, side: 1080, out: 256 });
    expect(squareCrop(512, 512)).toEqual({ sx: 0, sy: 0, side: 512, out: 256 });
  });

  it("never scales a small picture up", () => {
    expect(squareCrop(100, 60)).toEqual({ sx: 20, sy: 0, side: 60, out: 60 });
    expect(squareCrop(1, 1)).toEqual({ sx: 0, sy: 0, side: 1, out: 1 });
  });
});
