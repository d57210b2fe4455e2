// Fixtures for the mention tests, built on helpers.ts.
import { expect } from "vitest";
import type { Message, MessageEvent } from "../protocol";
import { mentionToken } from "../shared/mentions";
import { api, apiOk, type TestSocket, type TestUser, waitFor } from "./helpers";
import { inboxOf } from "./inbox-fixtures";

/** A token naming `u`, as the web client writes one. */
export const at = (u: TestUser) => mentionToken(u.user.id, u.user.displayName);
export const post = (id: string, u: TestUser, body: Record<string, unknown>) =>
  api(`/api/conversations/${id}/messages`, {
    token: u.accessToken,
    body: { clientId: crypto.randomUUID(), kind: "text", ...body },
  });
export const postOk = async (id: string, u: TestUser, text: string, extra: Record<string, unknown> = {}) => {
  const res = await post(id, u, { text, ...extra });
  const body = await res.text();
  expect(res.status, body).toBe(201);
  return (JSON.parse(body) as { event: MessageEvent }).event;
};
export const history = async (id: string, u: TestUser) =>
  (await apiOk<{ messages: Message[] }>(`/api/conversations/${id}/messages`, { token: u.accessToken })).messages;
export const summaryOf = async (u: TestUser, id: string) => (await inboxOf(u.user.id).note(id))?.summary ?? null;

/** Sends a change frame and waits for its answer (ack or error). */
export async function answerTo(s: TestSocket, frame: Record<string, unknown>): Promise<Record<string, unknown>> {
  const clientId = crypto.randomUUID();
  s.send({ ...frame, clientId });
  let answer: Record<string, unknown> | undefined;
  await waitFor(() => {
    answer = s.frames.find((f) => f.clientId === clientId && (f.type === "ack" || f.type === "error"));
    return answer !== undefined;
  }, 5000);
  return answer ?? {};
}
