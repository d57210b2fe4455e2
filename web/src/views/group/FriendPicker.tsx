import type { User } from "../../../../worker/protocol";
import { t } from "../../i18n";

interface Props {
  legend: string;
  friends: User[];
  picked: Set<string>;
  onChange: (next: Set<string>) => void;
}

/** Checkboxes of friends, in a fieldset named by `legend`. */
export function FriendPicker({ legend, friends, picked, onChange }: Props) {
  const toggle = (id: string, on: boolean) => {
    const next = new Set(picked);
    if (on) next.add(id);
    else next.delete(id);
    onChange(next);
  };
  return (
    <fieldset class="friend-picker">
      <legend>{legend}</legend>
      {friends.length === 0 && <p class="muted">{t("noFriendsToAdd")}</p>}
      {friends.map((f) => (
        <label key={f.id} class="check">
          <input type="checkbox" checked={picked.has(f.id)} onChange={(e) => toggle(f.id, e.currentTarget.checked)} />{" "}
          <bdi dir="auto">{f.displayName}</bdi> <span class="muted">@{f.username}</span>
        </label>
      ))}
    </fieldset>
  );
}
