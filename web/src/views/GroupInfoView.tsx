import { useState } from "preact/hooks";
import { isAdminRole, Limits, type Member, mayRemove, ROLE_RANK, type Role } from "../../../worker/protocol";
import { addMembers, removeMember, renameGroup, setRole } from "../api/conversations";
import { describeError } from "../api/failure";
import { getConversation, listFriends } from "../api/resources";
import { type MessageKey, t } from "../i18n";
import { inbox } from "../inbox/inboxStore";
import { chatPath, navigate } from "../router";
import { ConfirmDialog } from "../ui/ConfirmDialog";
import { ErrorMessage } from "../ui/ErrorMessage";
import { Link } from "../ui/Link";
import { useStore } from "../ui/store";
import { useLoad } from "../ui/useLoad";
import { FriendPicker } from "./group/FriendPicker";
import { useMemberPages } from "./group/useMemberPages";

const ROLE_LABEL: Record<Role, MessageKey> = { owner: "roleOwner", admin: "roleAdmin", member: "roleMember" };

/** A group's members and the actions the viewer's role allows (docs/protocol.md "Conversations"). */
export function GroupInfoView({ conversationId, selfId }: { conversationId: string; selfId: string }) {
  const conv = useLoad(() => getConversation(conversationId), [conversationId]);
  const friends = useLoad(listFriends, []);
  const [error, setError] = useState<string | null>(null);
  const [title, setTitle] = useState<string | null>(null);
  const [picked, setPicked] = useState<Set<string>>(new Set());
  /** The destructive action waiting for its confirmation: removing a member, or leaving. */
  const [confirming, setConfirming] = useState<{ title: string; body: string; label: string; run: () => void } | null>(
    null,
  );

  const pages = useMemberPages(conversationId, conv.data);
  const summaries = useStore(inbox).conversations;
  // Owner first, then admins, then members, each by name (a large group: among the pages loaded so far).
  const members = [...pages.members].sort(
    (a, b) => ROLE_RANK[b.role] - ROLE_RANK[a.role] || a.user.displayName.localeCompare(b.user.displayName),
  );
  // A large group's first page need not list the viewer; the inbox summary knows their role.
  const myRole =
    members.find((m) => m.user.id === selfId)?.role ?? summaries.find((c) => c.id === conversationId)?.role ?? "member";
  const admin = isAdminRole(myRole);
  const shownTitle = conv.data?.title ?? "";

  const act = async (fn: () => Promise<unknown>, after?: () => void) => {
    setError(null);
    try {
      await fn();
      if (after) after();
      else conv.reload();
    } catch (err) {
      setError(describeError(err));
    }
  };

  const memberIds = new Set(members.map((m) => m.user.id));
  const addable = (friends.data ?? []).map((f) => f.user).filter((u) => !memberIds.has(u.id));

  return (
    <main class="group-info">
      <p class="back">
        <Link href={chatPath(conversationId)}>{t("backToChat")}</Link>
      </p>
      <h1>
        {t("groupInfoOf", { title: "" })}
        <bdi dir="auto">{shownTitle}</bdi>
      </h1>
      <ErrorMessage text={conv.error ?? pages.error ?? error} />
      {admin && conv.data && (
        <form
          class="inline-form"
          onSubmit={(e) => {
            e.preventDefault();
            const next = (title ?? shownTitle).trim();
            if (next)
              void act(
                () => renameGroup(conversationId, next),
                () => {
                  setTitle(null);
                  conv.reload();
                },
              );
          }}
        >
          <label for="rename-group">{t("groupTitle")}</label>
          <input
            id="rename-group"
            maxLength={Limits.titleMax}
            value={title ?? shownTitle}
            onInput={(e) => setTitle(e.currentTarget.value)}
          />
          <button type="submit" class="secondary">
            {t("rename")}
          </button>
        </form>
      )}
      <h2 id="member-heading">{t("memberList", { n: pages.total })}</h2>
      <ul class="member-list" aria-labelledby="member-heading">
        {members.map((m) => (
          <MemberRow
            key={m.user.id}
            m={m}
            self={m.user.id === selfId}
            myRole={myRole}
            onRemove={() =>
              setConfirming({
                title: t("confirmRemoveTitle", { name: m.user.displayName }),
                body: t("confirmRemoveBody", { name: m.user.displayName }),
                label: t("remove"),
                run: () => void act(() => removeMember(conversationId, m.user.id)),
              })
            }
            onRole={(role) => void act(() => setRole(conversationId, m.user.id, role))}
          />
        ))}
      </ul>
      {pages.hasMore && (
        <p>
          <button type="button" class="secondary" disabled={pages.loading} onClick={pages.loadMore}>
            {t("loadMoreMembers", { n: pages.total - members.length })}
          </button>
        </p>
      )}
      {admin && friends.data && addable.length === 0 && (
        // A disabled "Add" with nobody to add explains nothing: say why, and where to go.
        <p class="muted">
          {t("nobodyToAdd")} <Link href="/contacts">{t("findFriends")}</Link>
        </p>
      )}
      {admin && addable.length > 0 && (
        <form
          onSubmit={(e) => {
            e.preventDefault();
            if (picked.size > 0)
              void act(
                () => addMembers(conversationId, [...picked]),
                () => {
                  setPicked(new Set());
                  conv.reload();
                },
              );
          }}
        >
          <FriendPicker legend={t("addMembers")} friends={addable} picked={picked} onChange={setPicked} />
          <button type="submit" class="secondary" disabled={picked.size === 0}>
            {t("add")}
          </button>
        </form>
      )}
      {conv.data && (
        <p>
          <button
            type="button"
            class="danger"
            onClick={() =>
              setConfirming({
                title: t("confirmLeaveTitle", { title: shownTitle }),
                body: t("confirmLeave"),
                label: t("leaveGroup"),
                run: () =>
                  void act(
                    () => removeMember(conversationId, selfId),
                    () => navigate("/"),
                  ),
              })
            }
          >
            {t("leaveGroup")}
          </button>
        </p>
      )}
      {confirming && (
        <ConfirmDialog
          title={confirming.title}
          body={confirming.body}
          confirmLabel={confirming.label}
          onConfirm={() => {
            setConfirming(null);
            confirming.run();
          }}
          onCancel={() => setConfirming(null)}
        />
      )}
    </main>
  );
}

interface RowProps {
  m: Member;
  self: boolean;
  myRole: Role;
  onRemove: () => void;
  onRole: (role: "admin" | "member") => void;
}

function MemberRow({ m, self, myRole, onRemove, onRole }: RowProps) {
  const name = m.user.displayName;
  // Admins remove lower roles; only the owner changes roles.
  const canRemove = !self && mayRemove(myRole, m.role);
  const owner = myRole === "owner" && !self;
  return (
    <li>
      <span class="member-name">
        <bdi dir="auto">{name}</bdi> <span class="muted">@{m.user.username}</span>
      </span>{" "}
      <span class={`role ${m.role}`}>{t(ROLE_LABEL[m.role])}</span>
      {owner && m.role === "member" && (
        <button type="button" class="secondary small" onClick={() => onRole("admin")}>
          {t("makeAdminNamed", { name })}
        </button>
      )}
      {owner && m.role === "admin" && (
        <button type="button" class="secondary small" onClick={() => onRole("member")}>
          {t("removeAdminNamed", { name })}
        </button>
      )}
      {canRemove && (
        <button type="button" class="secondary small" onClick={onRemove}>
          {t("removeMemberNamed", { name })}
        </button>
      )}
    </li>
  );
}
