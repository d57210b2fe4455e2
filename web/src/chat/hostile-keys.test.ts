// Every string the web client keys state by (emoji, user ids, i18n
// placeholders) is someone else's choice: names of Object.prototype must be
// plain data to it (issue 13: a reaction named "constructor" broke the timeline).
import * as v from "valibot";
import { describe, expect, it } from "vitest";
import type { ConversationEvent } from "../../../worker/protocol";
import { format } from "../i18n";
import { applyInboxFrame, emptyInbox } from "../inbox/inboxState";
import { parseServerFrame } from "../net/frames";
import { MessageSchema } from "../wire/events";
import { seenBy, withReceipt } from "./receipts";
import { addHistory, applyEvents, emptyTimeline, reactionsOf } from "./timeline";

/** Names a plain object answers without owning them. */
const PROTOTYPE_NAMES = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "isPrototypeOf",
  "prototype",
] as const;

const reaction = (seq: number, target: number, senderId: string, emoji: string, on: boolean): ConversationEvent => ({
  seq,
  conversationId: "c",
  type: "reaction",
  senderId,
  createdAt: seq,
  target,
  emoji,
  on,
});

describe.each(PROTOTYPE_NAMES)("the key %j", (key) => {
  it("is an ordinary reaction in the timeline: counted, toggled off, and harmless to the next one", () => {
    // History as the wire sends it: JSON.parse makes every key an own property, "__proto__" included.
    const wire: unknown = JSON.parse(
      `{"seq":1,"senderId":"bob","clientId":null,"kind":"text","text":"hi","createdAt":1,"reactions":{${JSON.stringify(key)}:["bob"]}}`,
    );
    const message = v.parse(MessageSchema, wire);
    let t = addHistory(emptyTimeline, [message], false);
    expect([...(t.items[0]?.reactions ?? [])]).toEqual([[key, ["bob"]]]);

    t = applyEvents(t, [reaction(2, 1, "amy", key, true), reaction(3, 1, "amy", "👍", true)]);
    expect(t.items[0]?.reactions).toEqual(
      new Map([
        [key, ["bob", "amy"]],
        ["👍", ["amy"]],
      ]),
    );
    t = applyEvents(t, [reaction(4, 1, "bob", key, false), reaction(5, 1, "amy", key, false)]);
    expect(t.items[0]?.reactions).toEqual(new Map([["👍", ["amy"]]]));
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
    expect(Object.prototype.toString.call({})).toBe("[object Object]");
  });

  it("is a reaction on the live socket's frame too", () => {
    const frame = parseServerFrame(JSON.stringify({ type: "events", events: [reaction(2, 1, "amy", key, true)] }));
    expect(frame).not.toBeNull();
    const fresh = addHistory(
      emptyTimeline,
      [{ seq: 1, senderId: "bob", clientId: null, kind: "text", text: "x", createdAt: 1, reactions: {} }],
      false,
    );
    if (frame?.type !== "events") throw new Error(`expected events, got ${JSON.stringify(frame)}`);
    expect([...(applyEvents(fresh, frame.events).items[0]?.reactions ?? [])]).toEqual([[key, ["amy"]]]);
  });

  it("is a user id like any other in read markers and presence", () => {
    const markers = withReceipt(withReceipt(new Map(), key, 3), "bob", 1);
    expect(withReceipt(markers, key, 2)).toBe(markers);
    const items = addHistory(
      emptyTimeline,
      [{ seq: 2, senderId: "me", clientId: null, kind: "text", text: "x", createdAt: 1, reactions: {} }],
      false,
    ).items;
    expect(seenBy(items, markers, "me")).toEqual({ seq: 2, userIds: [key] });

    let s = applyInboxFrame(emptyInbox, {
      type: "welcome",
      conversations: [],
      friends: [{ userId: key, status: "online", lastSeenAt: null }],
    });
    expect(s.presence.get(key)).toEqual({ status: "online", lastSeenAt: null });
    s = applyInboxFrame(s, { type: "presence", userId: key, status: "offline", lastSeenAt: 9 });
    expect(s.presence.get(key)).toEqual({ status: "offline", lastSeenAt: 9 });
    expect(s.presence.get("nobody")).toBeUndefined();
  });

  it("is not a value an i18n placeholder or an empty reactions object can reach", () => {
    expect(format(`{${key}} {n}`, { n: 1 })).toBe(`{${key}} 1`);
    expect(reactionsOf({}).get(key)).toBeUndefined();
    expect(reactionsOf(JSON.parse(`{${JSON.stringify(key)}:"not a list"}`)).size).toBe(0);
  });
});
