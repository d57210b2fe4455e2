// Parser for GET /api/search (docs/protocol.md "Global search").
import * as v from "valibot";
import type { MessageHit, PersonHit, SearchConversation, SearchPage } from "../../../worker/protocol";
import { int, maybe, orNull } from "./common";
import { MessageSchema } from "./events";
import { UserSchema } from "./rest";

const PersonHitSchema: v.GenericSchema<unknown, PersonHit> = v.object({
  user: UserSchema,
  friend: v.boolean(),
  conversationId: orNull(v.string()),
});

const MessageHitSchema: v.GenericSchema<unknown, MessageHit> = v.object({
  conversationId: v.string(),
  message: MessageSchema,
});

const SearchConversationSchema: v.GenericSchema<unknown, SearchConversation> = v.object({
  id: v.string(),
  kind: v.picklist(["dm", "group"]),
  title: orNull(v.string()),
  peer: maybe(UserSchema),
});

export const SearchPageSchema: v.GenericSchema<unknown, SearchPage> = v.object({
  people: v.array(PersonHitSchema),
  messages: v.array(MessageHitSchema),
  conversations: v.array(SearchConversationSchema),
  nextCursor: orNull(v.string()),
  searched: int,
  total: int,
  unavailable: v.array(v.string()),
});
