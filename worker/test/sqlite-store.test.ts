import { env, runInDurableObject } from "cloudflare:test";
import type { ConversationObject } from "../conversation/object";
import { logStoreContract } from "../conversation/store.contract";

// Each case on a fresh object's SQLite: never initialised, so its log store is empty.
let n = 0;
logStoreContract("SQLite", (fn) =>
  runInDurableObject(
    env.CONVERSATION.get(env.CONVERSATION.idFromName(`store-contract-${n++}`)),
    (obj: ConversationObject) => fn(obj.room.log.store),
  ),
);
