// Roving focus for lists (WAI-ARIA APG): one item is in the tab order, the
// arrow keys, Home and End move focus (and that one tab stop) between items.
// Items carry `data-roving`; the container gets `onKeyDown={rovingKeyDown}`.
const STEP = new Map([
  ["ArrowDown", 1],
  ["ArrowUp", -1],
  ["ArrowRight", 1],
  ["ArrowLeft", -1],
]);

export function rovingKeyDown(e: KeyboardEvent): void {
  const container = e.currentTarget;
  if (!(container instanceof HTMLElement)) return;
  const items = [...container.querySelectorAll<HTMLElement>("[data-roving]")];
  if (items.length === 0) return;
  const at = items.findIndex((el) => el === document.activeElement || el.contains(document.activeElement));
  let next: number;
  if (e.key === "Home") next = 0;
  else if (e.key === "End") next = items.length - 1;
  else if (STEP.has(e.key))
    next = Math.min(items.length - 1, Math.max(0, (at === -1 ? 0 : at) + (STEP.get(e.key) ?? 0)));
  else return;
  e.preventDefault();
  for (const [i, el] of items.entries()) el.tabIndex = i === next ? 0 : -1;
  items[next]?.focus();
}
