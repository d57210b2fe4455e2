import { useState } from "preact/hooks";
import { Limits } from "../../../worker/protocol";
import { createGroup } from "../api/conversations";
import { describeError } from "../api/failure";
import { listFriends } from "../api/resources";
import { t } from "../i18n";
import { chatPath, navigate } from "../router";
import { ErrorMessage } from "../ui/ErrorMessage";
import { Link } from "../ui/Link";
import { useLoad } from "../ui/useLoad";
import { FriendPicker } from "./group/FriendPicker";

/** Create a group: a name and some friends; the creator becomes its owner. */
export function NewGroupView() {
  const friends = useLoad(listFriends, []);
  const [title, setTitle] = useState("");
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async () => {
    if (picked.size === 0) {
      setError(t("pickAtLeastOne"));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const conversation = await createGroup(title.trim(), [...picked]);
      navigate(chatPath(conversation.id));
    } catch (err) {
      setError(describeError(err));
      setBusy(false);
    }
  };

  return (
    <main class="new-group">
      <p class="back">
        <Link href="/">{t("allChats")}</Link>
      </p>
      <h1>{t("newGroup")}</h1>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void submit();
        }}
      >
        <label for="group-title">{t("groupTitle")}</label>
        <input
          id="group-title"
          required
          maxLength={Limits.titleMax}
          value={title}
          onInput={(e) => setTitle(e.currentTarget.value)}
        />
        <ErrorMessage text={friends.error} />
        <FriendPicker
          legend={t("chooseMembers")}
          friends={(friends.data ?? []).map((f) => f.user)}
          picked={picked}
          onChange={setPicked}
        />
        <ErrorMessage text={error} />
        <button type="submit" disabled={busy || title.trim() === ""}>
          {t("createGroup")}
        </button>
      </form>
    </main>
  );
}
