import type { ComponentChildren } from "preact";
import type { User } from "../../../worker/protocol";
import { t } from "../i18n";
import { incomingRequests } from "../inbox/inboxStore";
import type { Route } from "../router";
import { Avatar } from "./Avatar";
import { Link } from "./Link";
import { NetStatus } from "./NetStatus";
import { Notices } from "./Notices";
import { useStore } from "./store";
import { UpdateBanner } from "./UpdateBanner";

interface Props {
  user: User;
  route: Route;
  onLogout: () => void;
  children: ComponentChildren;
}

export function Layout({ user, route, onLogout, children }: Props) {
  const inChats = route.name === "chats" || route.name === "chat";
  const requests = useStore(incomingRequests);
  return (
    <div class="layout">
      <header class="topbar">
        <nav aria-label={t("mainNav")}>
          <Link href="/" current={inChats}>
            {t("chats")}
          </Link>
          <Link href="/contacts" current={route.name === "contacts"}>
            {t("contacts")}
            {requests > 0 && (
              <span class="badge" data-testid="requests-badge">
                <span aria-hidden="true">{requests}</span>
                <span class="visually-hidden"> ({t("pendingRequests", { n: requests })})</span>
              </span>
            )}
          </Link>
          <Link href="/settings" current={route.name === "settings" || route.name === "account"}>
            {t("settings")}
          </Link>
          <span class="whoami">
            <Avatar who={user} size="small" />
            <span class="visually-hidden">{t("signedInAs")} </span>
            <bdi dir="auto">
              <strong>{user.displayName}</strong>
            </bdi>
          </span>
          <button type="button" onClick={onLogout}>
            {t("logOut")}
          </button>
        </nav>
        <NetStatus />
      </header>
      <UpdateBanner />
      <Notices />
      {children}
    </div>
  );
}
