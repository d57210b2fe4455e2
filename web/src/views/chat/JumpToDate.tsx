import { useState } from "preact/hooks";
import { t } from "../../i18n";

/** A date picker; the chat loads that local day's first message and scrolls to it. */
export function JumpToDate({ onJump }: { onJump: (from: number, to: number) => Promise<boolean> }) {
  const [value, setValue] = useState("");
  const [empty, setEmpty] = useState(false);
  const go = async () => {
    const parts = value.split("-").map(Number);
    const [y, m, d] = parts;
    if (parts.length !== 3 || !y || !m || !d) return;
    // Local midnight to local midnight: what "that day" means to the reader.
    const from = new Date(y, m - 1, d).getTime();
    const to = new Date(y, m - 1, d + 1).getTime();
    setEmpty(!(await onJump(from, to)));
  };
  return (
    <form
      class="jump-to-date"
      onSubmit={(e) => {
        e.preventDefault();
        void go();
      }}
    >
      <label for="jump-date">{t("jumpToDate")}</label>
      <input
        id="jump-date"
        type="date"
        value={value}
        onInput={(e) => {
          setValue(e.currentTarget.value);
          setEmpty(false);
        }}
      />
      <button type="submit" class="secondary" disabled={value === ""}>
        {t("go")}
      </button>
      <span class="muted" role="status">
        {empty ? t("noMessagesThatDay") : ""}
      </span>
    </form>
  );
}
