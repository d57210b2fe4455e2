import { app } from "./app";
import { cleanupStaleUploads } from "./files/cleanup";

export { ConversationObject } from "./conversation/object";
export { InboxObject } from "./inbox/object";

export default {
  fetch: app.fetch,
  async scheduled(_controller, env, ctx) {
    ctx.waitUntil(cleanupStaleUploads(env, Date.now()));
  },
} satisfies ExportedHandler<Env>;
