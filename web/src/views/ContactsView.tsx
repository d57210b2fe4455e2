import { listFriendRequests, listFriends } from "../api/resources";
import { ErrorMessage } from "../ui/ErrorMessage";
import { useLoad, useReloadOnFocus } from "../ui/useLoad";
import { FriendRequests } from "./contacts/FriendRequests";
import { FriendsList } from "./contacts/FriendsList";
import { UserSearch } from "./contacts/UserSearch";

export function ContactsView({ selfId }: { selfId: string }) {
  const contacts = useLoad(async () => {
    const [friends, requests] = await Promise.all([listFriends(), listFriendRequests()]);
    return { friends, ...requests };
  }, []);
  useReloadOnFocus(contacts.reload);

  return (
    <main class="contacts">
      <h1>Contacts</h1>
      <UserSearch selfId={selfId} onRequested={contacts.reload} />
      <ErrorMessage text={contacts.error} />
      <button type="button" class="link" onClick={contacts.reload}>
        Refresh
      </button>
      {contacts.data && (
        <>
          <FriendRequests
            incoming={contacts.data.incoming}
            outgoing={contacts.data.outgoing}
            onChange={contacts.reload}
          />
          <FriendsList friends={contacts.data.friends} />
        </>
      )}
    </main>
  );
}
