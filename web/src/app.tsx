import { useEffect, useState } from "preact/hooks";
import type { User } from "../../worker/protocol";
import { currentMe, logout, resumeSession } from "./api/auth";
import { describeError } from "./api/failure";
import { onSessionEnd } from "./api/session";
import { t, useLang } from "./i18n";
import { setOpenConversation, startInbox, stopInbox } from "./inbox/inboxStore";
import { navigate, useRoute } from "./router";
import { restorePushSubscription } from "./settings/push";
import { countUploads } from "./store/db";
import { ErrorMessage } from "./ui/ErrorMessage";
import { Layout } from "./ui/Layout";
import { lazy } from "./ui/lazy";
import { useStore } from "./ui/store";
import { ConversationsView } from "./views/ConversationsView";

// One chunk per view but the conversation list (the first screen).
const AuthView = lazy(() => import("./views/AuthView").then((m) => m.AuthView));
const ChatView = lazy(() => import("./views/ChatView").then((m) => m.ChatView));
const ContactsView = lazy(() => import("./views/ContactsView").then((m) => m.ContactsView));
const SettingsView = lazy(() => import("./views/SettingsView").then((m) => m.SettingsView));
const GroupInfoView = lazy(() => import("./views/GroupInfoView").then((m) => m.GroupInfoView));
const NewGroupView = lazy(() => import("./views/NewGroupView").then((m) => m.NewGroupView));
const AccountView = lazy(() => import("./views/AccountView").then((m) => m.AccountView));

type Boot = { status: "loading" } | { status: "failed"; error: string } | { status: "ready"; user: User | null };

export function App() {
  const [boot, setBoot] = useState<Boot>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const route = useRoute();
  const lang = useLang();
  const me = useStore(currentMe);

  useEffect(() => {
    let live = true;
    setBoot({ status: "loading" });
    resumeSession().then(
      (user) => live && setBoot({ status: "ready", user }),
      (err: unknown) => live && setBoot({ status: "failed", error: describeError(err) }),
    );
    return () => {
      live = false;
    };
  }, [attempt]);

  // A refused refresh anywhere (REST or socket) lands here: back to sign-in.
  useEffect(() => onSessionEnd(() => setBoot({ status: "ready", user: null })), []);

  const userId = boot.status === "ready" ? (boot.user?.id ?? null) : null;
  useEffect(() => {
    if (userId === null) return;
    startInbox(userId);
    // Uploads left unfinished by a reload or a crash carry on (the uploader is its own chunk).
    void countUploads().then(async (n) => {
      if (n > 0) await (await import("./upload/manager")).resumeUploads();
    });
    // Push is a bonus: offline or refused, the app runs on without it.
    void restorePushSubscription().catch(() => undefined);
    return stopInbox;
  }, [userId]);

  const openId = route.name === "chat" || route.name === "groupInfo" ? route.id : null;
  useEffect(() => {
    setOpenConversation(openId);
    return () => setOpenConversation(null);
  }, [openId]);

  if (boot.status === "loading") return <p class="center">{t("loading")}</p>;
  if (boot.status === "failed") {
    return (
      <main class="center">
        <ErrorMessage text={boot.error} />
        <button type="button" onClick={() => setAttempt((a) => a + 1)}>
          {t("tryAgain")}
        </button>
      </main>
    );
  }
  // The profile page's changes (name, avatar) show in the shell at once.
  const user = boot.user && me?.id === boot.user.id ? me : boot.user;
  if (!user) return <AuthView onSignedIn={(u: User) => setBoot({ status: "ready", user: u })} />;

  const onLogout = () => {
    void logout().then(() => navigate("/", true));
  };
  const split = route.name === "chats" || route.name === "chat" || route.name === "groupInfo";
  return (
    <Layout key={lang} user={user} route={route} onLogout={onLogout}>
      {split && (
        <div class={`split ${route.name === "chats" ? "list-only" : "has-chat"}`}>
          <ConversationsView selectedId={openId} selfId={user.id} />
          {route.name === "chat" ? (
            <ChatView key={route.id} conversationId={route.id} selfId={user.id} at={route.at} />
          ) : route.name === "groupInfo" ? (
            <GroupInfoView key={route.id} conversationId={route.id} selfId={user.id} />
          ) : (
            <div class="placeholder muted" aria-hidden="true">
              {t("pickConversation")}
            </div>
          )}
        </div>
      )}
      {route.name === "contacts" && <ContactsView selfId={user.id} />}
      {route.name === "settings" && <SettingsView />}
      {route.name === "account" && <AccountView />}
      {route.name === "newGroup" && <NewGroupView />}
      {route.name === "notFound" && (
        <main>
          <h1>{t("notFound")}</h1>
        </main>
      )}
    </Layout>
  );
}
