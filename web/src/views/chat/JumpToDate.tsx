import { useState } from "preact/hooks";
import { getLang, t } from "../../i18n";

/**
 * Chromium and others draw <input type="date"> in the browser's language, not
 * the page's: a Chinese page in an English browser would show mm/dd/yyyy. The
 * native picker is used only when the two agree; otherwise year, month and
 * day are three labelled fields in the app's language and order.
 */
function nativeMatches(): boolean {
  const browser = (typeof navigator === "undefined" ? "" : navigator.language).toLowerCase();
  const app = getLang().toLowerCase();
  return browser.split("-")[0] === app.split("-")[0];
}

const pad = (n: number) => String(n).padStart(2, "0");
const todayValue = () => {
  const d = new Date();
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
};

/** Year, month and day fields, in the app's language, producing the same "YYYY-MM-DD" value. */
function DateFields({ value, onChange }: { value: string; onChange: (v: string) => void }) {
  const [y = "", m = "", d = ""] = (value || todayValue()).split("-");
  const months = new Intl.DateTimeFormat(getLang(), { month: "long" });
  const set = (part: 0 | 1 | 2, next: string) => {
    const parts = [y, m, d];
    parts[part] = next;
    onChange(parts.join("-"));
  };
  return (
    <fieldset class="date-fields">
      <legend class="visually-hidden">{t("jumpToDate")}</legend>
      <input
        aria-label={t("year")}
        inputMode="numeric"
        size={4}
        maxLength={4}
        value={y}
        onInput={(e) => set(0, e.currentTarget.value.replace(/\D/g, ""))}
      />
      <select aria-label={t("month")} value={m} onChange={(e) => set(1, e.currentTarget.value)}>
        {Array.from({ length: 12 }, (_, i) => (
          <option key={i} value={pad(i + 1)}>
            {months.format(new Date(2000, i, 1))}
          </option>
        ))}
      </select>
      <select aria-label={t("day")} value={d} onChange={(e) => set(2, e.currentTarget.value)}>
        {Array.from({ length: 31 }, (_, i) => (
          <option key={i} value={pad(i + 1)}>
            {i + 1}
          </option>
        ))}
      </select>
    </fieldset>
  );
}

/** A date picker; the chat loads that local day's first message and scrolls to it. */
export function JumpToDate({ onJump }: { onJump: (from: number, to: number) => Promise<boolean> }) {
  const native = nativeMatches();
  const [value, setValue] = useState(native ? "" : todayValue());
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
  const change = (v: string) => {
    setValue(v);
    setEmpty(false);
  };
  return (
    <form
      class="jump-to-date"
      onSubmit={(e) => {
        e.preventDefault();
        void go();
      }}
    >
      {native ? (
        <>
          <label for="jump-date">{t("jumpToDate")}</label>
          <input id="jump-date" type="date" value={value} onInput={(e) => change(e.currentTarget.value)} />
        </>
      ) : (
        <>
          <span aria-hidden="true">{t("jumpToDate")}</span> <DateFields value={value} onChange={change} />
        </>
      )}
      <button type="submit" class="secondary" disabled={value === ""}>
        {t("go")}
      </button>
      <span class="muted" role="status">
        {empty ? t("noMessagesThatDay") : ""}
      </span>
    </form>
  );
}
