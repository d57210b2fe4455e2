import { useState } from "preact/hooks";
import { t } from "../i18n";
import {
  disableNotifications,
  enableNotifications,
  type NotifyOutcome,
  notificationsOn,
  notificationsSupported,
} from "../settings/push";
import { getTheme, setTheme, type Theme } from "../settings/theme";
import { LanguageSelect } from "../ui/LanguageSelect";
import { Link } from "../ui/Link";
import { formatDate } from "../ui/time";

const THEMES: { value: Theme; label: () => string }[] = [
  { value: "system", label: () => t("themeSystem") },
  { value: "light", label: () => t("themeLight") },
  { value: "dark", label: () => t("themeDark") },
];

export function SettingsView() {
  const [theme, setThemeState] = useState(getTheme);
  const [notify, setNotify] = useState(notificationsOn);
  const [outcome, setOutcome] = useState<NotifyOutcome | null>(null);
  const [busy, setBusy] = useState(false);

  const toggleNotifications = async (on: boolean) => {
    setBusy(true);
    try {
      if (on) {
        const result = await enableNotifications();
        setOutcome(result);
        setNotify(result === "on" || result === "on-without-push");
      } else {
        await disableNotifications();
        setOutcome(null);
        setNotify(false);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <main class="settings">
      <h1>{t("settings")}</h1>
      <p>
        <Link href="/settings/account">{t("account")}</Link>
      </p>
      <LanguageSelect />
      <fieldset>
        <legend>{t("theme")}</legend>
        {THEMES.map((th) => (
          <label key={th.value} class="inline">
            <input
              type="radio"
              name="theme"
              value={th.value}
              checked={theme === th.value}
              onChange={() => {
                setTheme(th.value);
                setThemeState(th.value);
              }}
            />
            {th.label()}
          </label>
        ))}
      </fieldset>
      <fieldset>
        <legend>{t("notifications")}</legend>
        {notificationsSupported() ? (
          <label class="inline">
            <input
              type="checkbox"
              checked={notify}
              disabled={busy}
              onChange={(e) => void toggleNotifications(e.currentTarget.checked)}
            />
            {t("notificationsOn")}
          </label>
        ) : (
          <p class="muted">{t("notificationsUnsupported")}</p>
        )}
        {outcome === "denied" && <p class="error">{t("notificationsBlocked")}</p>}
        {outcome === "on-without-push" && <p class="muted">{t("pushUnavailable")}</p>}
      </fieldset>
      <p class="muted">{t("appVersion", { version: __APP_VERSION__, date: formatDate(__BUILD_TIME__) })}</p>
    </main>
  );
}
