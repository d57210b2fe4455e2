import type { User } from "../../../worker/protocol";
import { avatarColor, initialsOf } from "./avatarLook";
import { useAvatarUrl } from "./avatarUrl";

/** small: messages and the top bar; medium: the chat list and header; huge: the profile page. */
export type AvatarSize = "small" | "medium" | "huge";

interface Props {
  /** A user, or a group as `{id, displayName: title}` (groups have initials only). */
  who: Pick<User, "id" | "displayName" | "avatar">;
  size: AvatarSize;
}

/**
 * A round picture, or initials on the person's colour while there is none
 * (or it is loading). Decorative: the name always stands beside it, so
 * screen readers skip it.
 */
export function Avatar({ who, size }: Props) {
  const url = useAvatarUrl(who.id, who.avatar);
  return (
    <span class={`avatar ${size}`} style={{ backgroundColor: avatarColor(who.id) }} aria-hidden="true">
      {url ? <img class="avatar-img" src={url} alt="" draggable={false} /> : initialsOf(who.displayName)}
    </span>
  );
}
