import { t } from "../i18n";
import { dismissNotice, notices } from "../notify/notices";
import { chatPath, navigate } from "../router";
import { useStore } from "./store";

/** In-app notices for new messages in other conversations; polite, so they do not interrupt. */
export function Notices() {
  const list = useStore(notices);
  return (
    <section class="notices" aria-live="polite" aria-label={t("notifications")}>
      {list.map((n) => (
        <div class="notice" key={n.id}>
          <p>
            <strong>{t("newMessageIn", { title: n.title })}</strong>
            <span class="notice-body">{n.body}</span>
          </p>
          <button
            type="button"
            onClick={() => {
              dismissNotice(n.id);
              navigate(chatPath(n.conversationId));
            }}
          >
            {t("open")}
          </button>
          <button type="button" class="link" onClick={() => dismissNotice(n.id)}>
            {t("dismiss")}
          </button>
        </div>
      ))}
    </section>
  );
}
