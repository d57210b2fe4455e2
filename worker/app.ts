import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { cors } from "hono/cors";
import { HTTPException } from "hono/http-exception";
import type { AppEnv } from "./http/env";
import { ApiError, errorResponse, invalidRequest, notFound, tooLarge } from "./http/errors";
import { allowedOrigins } from "./http/origin";
import { ErrorCode } from "./protocol";
import { auth } from "./routes/auth";
import { blocks } from "./routes/blocks";
import { conversations } from "./routes/conversations";
import { files } from "./routes/files";
import { friends } from "./routes/friends";
import { inbox } from "./routes/inbox";
import { me } from "./routes/me";
import { previews } from "./routes/previews";
import { push } from "./routes/push";
import { search } from "./routes/search";
import { users } from "./routes/users";

export const app = new Hono<AppEnv>().basePath("/api");

app.use(
  "*",
  cors({
    origin: (origin, c) => (allowedOrigins(c.env).has(origin) ? origin : null),
    allowHeaders: ["Authorization", "Content-Type", "Range", "If-None-Match"],
    allowMethods: ["GET", "POST", "PUT", "PATCH", "DELETE"],
    exposeHeaders: ["ETag", "Content-Range", "Retry-After"],
    maxAge: 600,
  }),
);
app.use("*", async (c, next) => {
  await next();
  c.header("X-Content-Type-Options", "nosniff");
  c.header("Referrer-Policy", "no-referrer");
  c.header("Cache-Control", c.res.headers.get("Cache-Control") ?? "no-store");
});
// JSON bodies are small; file bytes (content and parts) and avatars come with their own limits.
const jsonBodyLimit = bodyLimit({
  maxSize: 64 * 1024,
  onError: () => {
    throw tooLarge("body over 64 KiB");
  },
});
const FILE_BYTES_PATH = /^\/api\/files\/[^/]+\/(content|parts\/[^/]+)$/;
const AVATAR_BYTES_PATH = "/api/me/avatar";
app.use("*", (c, next) =>
  FILE_BYTES_PATH.test(c.req.path) || c.req.path === AVATAR_BYTES_PATH ? next() : jsonBodyLimit(c, next),
);

app.get("/health", (c) => c.json({ ok: true, version: c.env.APP_VERSION }));
app.route("/auth", auth);
app.route("/me", me);
app.route("/users", users);
app.route("/friends", friends);
app.route("/blocks", blocks);
app.route("/conversations", conversations);
app.route("/files", files);
app.route("/push", push);
app.route("/inbox", inbox);
app.route("/previews", previews);
app.route("/search", search);

app.notFound(() => errorResponse(notFound("no such endpoint")));

app.onError((err) => {
  if (err instanceof ApiError) return errorResponse(err);
  if (err instanceof HTTPException) {
    // Hono's own refusals (malformed JSON, bad content type) are client errors.
    if (err.status === 413) return errorResponse(tooLarge(err.message));
    if (err.status < 500) return errorResponse(invalidRequest(err.message || "invalid request"));
  }
  console.error("unhandled error", err instanceof Error ? `${err.name}: ${err.message}` : "non-error thrown");
  return Response.json({ error: { code: ErrorCode.internal, message: "internal error" } }, { status: 500 });
});
