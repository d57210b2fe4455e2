import { app } from "./app";
import { consumeFanout, fanoutTargets } from "./fanout/consumer";
import { consumeDeadLetters, deadLetterTargets, isDeadLetterQueue } from "./fanout/dead-letters";
import { cleanupStaleUploads } from "./files/cleanup";

export { ConversationObject } from "./conversation/object";
export { InboxObject } from "./inbox/object";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(cleanupStaleUploads(env, Date.now()));
  },
  /** The inbox fan-out (wrangler.toml [[queues.consumers]]): notes to inboxes, and its dead letters. */
  async queue(batch, env) {
    if (isDeadLetterQueue(batch.queue)) await consumeDeadLetters(batch, deadLetterTargets(env));
    else await consumeFanout(batch, fanoutTargets(env));
  },
} satisfies ExportedHandler<Env>;
