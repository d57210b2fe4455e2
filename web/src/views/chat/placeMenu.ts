// Where a floating menu goes next to the thing that opened it: below it if it
// fits, else above it, else as low as the window allows; never past an edge.

export interface Box {
  top: number;
  bottom: number;
  left: number;
  right: number;
}

const MARGIN = 8;

export function placeMenu(
  anchor: Box,
  menu: { width: number; height: number },
  view: { width: number; height: number },
  /** Line the menu's end edge up with the anchor's (one's own messages sit on the end side). */
  alignEnd: boolean,
): { top: number; left: number } {
  const fitsBelow = anchor.bottom + MARGIN + menu.height <= view.height - MARGIN;
  const fitsAbove = anchor.top - MARGIN - menu.height >= MARGIN;
  const top = fitsBelow
    ? anchor.bottom + MARGIN
    : fitsAbove
      ? anchor.top - MARGIN - menu.height
      : view.height - MARGIN - menu.height;
  const left = alignEnd ? anchor.right - menu.width : anchor.left;
  const clamp = (x: number, max: number) => Math.max(MARGIN, Math.min(x, max - MARGIN));
  return { top: clamp(top, view.height - menu.height), left: clamp(left, view.width - menu.width) };
}
