import { getLang, LANG_NAMES, LANGS, setLang, t } from "../i18n";

/**
 * The language picker of the sign-in page and of settings. The chosen value
 * is looked up in LANGS, never cast: an option's value is page text.
 */
export function LanguageSelect({ class: className }: { class?: string }) {
  return (
    <label class={className}>
      {t("language")}{" "}
      <select
        value={getLang()}
        onChange={(e) => {
          const picked = e.currentTarget.value;
          const lang = LANGS.find((l) => l === picked);
          if (lang) setLang(lang);
        }}
      >
        {LANGS.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANG_NAMES[l]}
          </option>
        ))}
      </select>
    </label>
  );
}
