import type { PresenceStatus } from "../../../worker/protocol";
import { t } from "../i18n";

export function PresenceDot({ status }: { status: PresenceStatus }) {
  return <span class={`presence ${status}`} role="img" aria-label={t(status)} data-presence={status} />;
}
