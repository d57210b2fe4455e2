import { describe, expect, it } from "vitest";
import { placeMenu } from "./placeMenu";

const view = { width: 390, height: 844 };
const menu = { width: 300, height: 120 };
const box = (top: number, bottom: number, left = 20, right = 200) => ({ top, bottom, left, right });

describe("placeMenu", () => {
  it("opens below when it fits", () => {
    expect(placeMenu(box(100, 140), menu, view, false)).toEqual({ top: 148, left: 20 });
  });

  it("flips above the newest message at the bottom of the screen", () => {
    expect(placeMenu(box(700, 760), menu, view, false)).toEqual({ top: 572, left: 20 });
  });

  it("stays inside the window when it fits neither side, and on narrow screens", () => {
    const placed = placeMenu(box(60, 800), menu, view, false);
    expect(placed.top).toBe(844 - 8 - 120);
    expect(placeMenu(box(100, 140, 200, 380), menu, view, false).left).toBe(390 - 8 - 300);
    expect(placeMenu(box(100, 140, 10, 150), menu, view, true).left).toBe(8);
    expect(placeMenu(box(100, 140, 100, 380), menu, view, true).left).toBe(80);
  });
});
