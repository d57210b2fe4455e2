import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";
import { inboxConnection } from "../inbox/inboxStore";
import { useStore } from "./store";

/** The app-wide connection state: the browser's network plus the inbox socket. */
export function NetStatus() {
  const [online, setOnline] = useState(navigator.onLine);
  const inbox = useStore(inboxConnection);
  useEffect(() => {
    const sync = () => setOnline(navigator.onLine);
    window.addEventListener("online", sync);
    window.addEventListener("offline", sync);
    return () => {
      window.removeEventListener("online", sync);
      window.removeEventListener("offline", sync);
    };
  }, []);
  const state = !online ? "offline" : inbox === "live" ? "online" : "connecting";
  const label = state === "offline" ? t("netOffline") : state === "online" ? t("netOnline") : t("netConnecting");
  return (
    <p class={`net ${state}`} role="status" data-state={state}>
      <span class="net-dot" aria-hidden="true" />
      {label}
    </p>
  );
}
