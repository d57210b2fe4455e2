import { useEffect, useState } from "preact/hooks";
import type { User } from "../../worker/protocol";
import { logout, resumeSession } from "./api/auth";
import { describeError } from "./api/failure";
import { onSessionEnd } from "./api/session";
import { navigate, useRoute } from "./router";
import { ErrorMessage } from "./ui/ErrorMessage";
import { Layout } from "./ui/Layout";
import { AuthView } from "./views/AuthView";
import { ChatView } from "./views/ChatView";
import { ContactsView } from "./views/ContactsView";
import { ConversationsView } from "./views/ConversationsView";

type Boot = { status: "loading" } | { status: "failed"; error: string } | { status: "ready"; user: User | null };

export function App() {
  const [boot, setBoot] = useState<Boot>({ status: "loading" });
  const [attempt, setAttempt] = useState(0);
  const route = useRoute();

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

  if (boot.status === "loading") return <p class="center">Loading…</p>;
  if (boot.status === "failed") {
    return (
      <main class="center">
        <ErrorMessage text={boot.error} />
        <button type="button" onClick={() => setAttempt((a) => a + 1)}>
          Try again
        </button>
      </main>
    );
  }
  const user = boot.user;
  if (!user) return <AuthView onSignedIn={(u) => setBoot({ status: "ready", user: u })} />;

  const onLogout = () => {
    void logout().then(() => navigate("/", true));
  };
  return (
    <Layout user={user} route={route} onLogout={onLogout}>
      {route.name === "chats" && <ConversationsView />}
      {route.name === "contacts" && <ContactsView selfId={user.id} />}
      {route.name === "chat" && <ChatView key={route.id} conversationId={route.id} selfId={user.id} />}
      {route.name === "notFound" && (
        <main>
          <h1>Not found</h1>
        </main>
      )}
    </Layout>
  );
}
