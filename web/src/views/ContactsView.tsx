import { useEffect } from "preact/hooks";
import { listBlocked, listFriendRequests, listFriends } from "../api/resources";
import { t } from "../i18n";
import { inbox, incomingRequests } from "../inbox/inboxStore";
import { ErrorMessage } from "../ui/ErrorMessage";
import { useStore } from "../ui/store";
import { useLoad, useReloadOnFocus } from "../ui/useLoad";
import { BlockedList } from "./contacts/BlockedList";
import { FriendRequests } from "./contacts/FriendRequests";
import { FriendsList } from "./contacts/FriendsList";
import { UserSearch } from "./contacts/UserSearch";

export function ContactsView({ selfId }: { selfId: string }) {
  const contacts = useLoad(async () => {
    const [friends, requests, blocked] = await Promise.all([listFriends(), listFriendRequests(), listBlocked()]);
    return { friends, blocked, ...requests };
  }, []);
  useReloadOnFocus(contacts.reload);
  const state = useStore(inbox);
  // Friend requests, new and removed friends arrive on the inbox socket.
  const version = state.contactsVersion;
  const { reload } = contacts;
  useEffect(() => {
    if (version > 0) reload();
  }, [version, reload]);
  // An answered request (declines send no frame) changes the Contacts badge at once.
  const waiting = contacts.data?.incoming.length;
  useEffect(() => {
    if (waiting !== undefined) incomingRequests.set(waiting);
  }, [waiting]);

  return (
    <main class="contacts">
      <h1>{t("contacts")}</h1>
      <UserSearch selfId={selfId} onRequested={contacts.reload} />
      <ErrorMessage text={contacts.error} />
      <button type="button" class="link" onClick={contacts.reload}>
        {t("refresh")}
      </button>
      {contacts.data && (
        <>
          <FriendRequests
            incoming={contacts.data.incoming}
            outgoing={contacts.data.outgoing}
            onChange={contacts.reload}
          />
          <FriendsList friends={contacts.data.friends} presence={state.presence} onChange={contacts.reload} />
          <BlockedList users={contacts.data.blocked} onChange={contacts.reload} />
        </>
      )}
    </main>
  );
}
