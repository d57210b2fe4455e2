import { t } from "../i18n";
import { reloadToUpdate, updateReady } from "../pwa/register";
import { useStore } from "./store";

/** "A new version is available": the waiting service worker takes over on Reload. */
export function UpdateBanner() {
  const waiting = useStore(updateReady);
  if (!waiting) return null;
  return (
    <div class="banner" role="status">
      <span>{t("newVersion")}</span>
      <button type="button" onClick={reloadToUpdate}>
        {t("reload")}
      </button>
      <button type="button" class="link" onClick={() => updateReady.set(null)}>
        {t("dismiss")}
      </button>
    </div>
  );
}
