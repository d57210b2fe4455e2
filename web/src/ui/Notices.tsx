import { t } from "../i18n";
import { dismissNotice, notices, openNotice } from "../notify/notices";
import { useStore } from "./store";

/**
 * In-app notices (new messages elsewhere, friend requests): polite, so they do
 * not interrupt; at the top of the screen, away from the composer and its
 * buttons (styles.css), one line each and dismissible in one tap.
 */
export function Notices() {
  const list = useStore(notices);
  return (
    <section class="notices" aria-live="polite" aria-label={t("notifications")}>
      {list.map((n) => (
        <div class="notice" key={n.id}>
          <p>
            <bdi class="notice-title" dir="auto">
              {n.title}
            </bdi>
            {n.body && (
              <bdi class="notice-body" dir="auto">
                {n.body}
              </bdi>
            )}
          </p>
          <button type="button" class="small" onClick={() => openNotice(n)}>
            {t("open")}
          </button>
          <button type="button" class="link notice-close" aria-label={t("dismiss")} onClick={() => dismissNotice(n.id)}>
            ×
          </button>
        </div>
      ))}
    </section>
  );
}
