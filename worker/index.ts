import { app } from "./app";

export { ConversationObject } from "./conversation/object";
export { InboxObject } from "./inbox/object";

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
