import type { ComponentChildren } from "preact";
import type { User } from "../../../worker/protocol";
import type { Route } from "../router";
import { Link } from "./Link";

interface Props {
  user: User;
  route: Route;
  onLogout: () => void;
  children: ComponentChildren;
}

export function Layout({ user, route, onLogout, children }: Props) {
  return (
    <div class="layout">
      <nav aria-label="Main">
        <Link href="/" current={route.name === "chats"}>
          Chats
        </Link>
        <Link href="/contacts" current={route.name === "contacts"}>
          Contacts
        </Link>
        <span class="whoami">
          Signed in as <strong>{user.displayName}</strong>
        </span>
        <button type="button" onClick={onLogout}>
          Log out
        </button>
      </nav>
      {children}
    </div>
  );
}
