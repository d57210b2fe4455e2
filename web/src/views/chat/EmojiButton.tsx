import type { ComponentType } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../../i18n";

type Grid = ComponentType<{ onPick: (emoji: string) => void }>;
let loadedGrid: Grid | null = null;

/** A button that opens the emoji grid (its own lazily loaded chunk); Escape closes it. */
export function EmojiButton({ onPick, disabled }: { onPick: (emoji: string) => void; disabled: boolean }) {
  const [open, setOpen] = useState(false);
  const [Grid, setGrid] = useState<Grid | null>(() => loadedGrid);

  useEffect(() => {
    if (!open || Grid) return;
    let live = true;
    void import("./EmojiGrid").then((m) => {
      loadedGrid = m.default;
      if (live) setGrid(() => m.default);
    });
    return () => {
      live = false;
    };
  }, [open, Grid]);

  return (
    <>
      <button
        type="button"
        class="secondary"
        aria-expanded={open}
        aria-label={open ? t("closeEmoji") : t("insertEmoji")}
        disabled={disabled}
        onClick={() => setOpen(!open)}
      >
        😀
      </button>
      {open && Grid && (
        // biome-ignore lint/a11y/noStaticElementInteractions: Escape closes the grid from inside it
        <div
          class="emoji-popover"
          onKeyDown={(e) => {
            if (e.key === "Escape") setOpen(false);
          }}
        >
          <Grid onPick={onPick} />
        </div>
      )}
    </>
  );
}
