// The dead-letter queue's consumer. A note lands there after its inbox
// calls failed through every retry (wrangler.toml `max_retries`, about five
// minutes of backoff). Nothing is dropped: the members are marked again in
// their conversation, whose notifier sends their then-current notes after a
// pause, through its alarm. The log carries counts only: no ids, no content.
import { conversationStub } from "../do/stubs";
import { isFanoutMessage } from "../shared/fanout";

/** Queue names: the dead-letter queue of `imsystem-fanout` is `imsystem-fanout-dlq` in every environment. */
export const isDeadLetterQueue = (queueName: string) => queueName.endsWith("-dlq");

export interface DeadLetterTargets {
  redeliver(conversationId: string, userIds: string[]): Promise<void>;
}

export function deadLetterTargets(env: Env): DeadLetterTargets {
  return {
    redeliver: async (conversationId, userIds) => {
      await conversationStub(env, conversationId).redeliver(userIds);
    },
  };
}

export async function consumeDeadLetters(batch: MessageBatch<unknown>, targets: DeadLetterTargets): Promise<void> {
  const byConversation = new Map<string, { messages: Message<unknown>[]; userIds: Set<string> }>();
  let unknown = 0;
  let members = 0;
  for (const message of batch.messages) {
    if (!isFanoutMessage(message.body)) {
      unknown += 1;
      message.ack();
      continue;
    }
    const entry = byConversation.get(message.body.conversationId) ?? { messages: [], userIds: new Set<string>() };
    entry.messages.push(message);
    for (const row of message.body.rows) entry.userIds.add(row.userId);
    members += message.body.rows.length;
    byConversation.set(message.body.conversationId, entry);
  }
  console.warn("fan-out dead letters", {
    messages: batch.messages.length,
    conversations: byConversation.size,
    members,
    unknown,
  });
  await Promise.all(
    [...byConversation].map(async ([conversationId, { messages, userIds }]) => {
      try {
        await targets.redeliver(conversationId, [...userIds]);
        for (const m of messages) m.ack();
      } catch {
        for (const m of messages) m.retry();
      }
    }),
  );
}
