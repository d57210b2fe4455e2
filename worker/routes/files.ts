import { type Context, Hono } from "hono";
import * as v from "valibot";
import { authenticate, requireAuth } from "../auth/middleware";
import { enforceLimit, limitByUser } from "../auth/ratelimit";
import { tokenFromRequest } from "../auth/tokens";
import { createFile } from "../files/create";
import { serveFile } from "../files/download";
import { removeFile } from "../files/remove";
import { createFileBody, partParams, signedQuery, viaQuery } from "../files/schemas";
import { signedFileUrl, verifyFileSignature } from "../files/signing";
import { requireDeletable, requireReadable, requireUpload, toFileInfo } from "../files/store";
import { completeMultipart, listParts, uploadPart, uploadSingle } from "../files/upload";
import type { AppEnv } from "../http/env";
import { forbidden, invalidRequest, notFound, unauthorized } from "../http/errors";
import { valid } from "../http/validate";

export const files = new Hono<AppEnv>();

files.post("/", requireAuth, limitByUser("UPLOAD_USER_LIMIT"), valid("json", createFileBody), async (c) => {
  const created = await createFile(c.env, c.get("auth").userId, c.req.valid("json"), Date.now());
  return c.json(created, 201);
});

files.put("/:id/content", requireAuth, async (c) => {
  const row = await requireUpload(c.env, c.req.param("id"), c.get("auth").userId);
  const ready = await uploadSingle(c.env, row, c.req.raw, Date.now());
  return c.json({ file: toFileInfo(ready) });
});

files.put("/:id/parts/:n", requireAuth, valid("param", partParams), async (c) => {
  const { id, n } = c.req.valid("param");
  const row = await requireUpload(c.env, id, c.get("auth").userId);
  return c.json(await uploadPart(c.env, row, n, c.req.raw, Date.now()));
});

files.get("/:id/parts", requireAuth, async (c) => {
  const row = await requireUpload(c.env, c.req.param("id"), c.get("auth").userId);
  return c.json({ parts: await listParts(c.env, row) });
});

files.post("/:id/complete", requireAuth, async (c) => {
  const row = await requireUpload(c.env, c.req.param("id"), c.get("auth").userId);
  const ready = await completeMultipart(c.env, row, Date.now());
  return c.json({ file: toFileInfo(ready) });
});

files.delete("/:id", requireAuth, async (c) => {
  const row = await requireDeletable(c.env, c.req.param("id"), c.get("auth").userId);
  await removeFile(c.env, row);
  return c.body(null, 204);
});

// `?via=` reads a forwarded file through the conversation it was forwarded into.
files.get("/:id/meta", requireAuth, valid("query", viaQuery), async (c) => {
  const userId = c.get("auth").userId;
  const { via } = c.req.valid("query");
  const { row, info } = await requireReadable(c.env, c.req.param("id"), userId, via);
  return c.json({ file: info, url: await signedFileUrl(c.env, row.id, userId, Date.now(), via) });
});

/**
 * Who is downloading (and through which conversation): the bearer token's
 * user, else the user a valid signed URL names. Either way the
 * conversation's object is asked afterwards, so a URL stops working as soon
 * as its user leaves the conversation.
 */
async function downloader(c: Context<AppEnv>, fileId: string): Promise<{ userId: string; via?: string }> {
  const who = await identifyDownloader(c, fileId);
  // Each download asks the conversation's object: it counts against the user's API budget too.
  await enforceLimit(c.env.API_USER_LIMIT, who.userId);
  return who;
}

async function identifyDownloader(c: Context<AppEnv>, fileId: string): Promise<{ userId: string; via?: string }> {
  const query = c.req.query();
  if (tokenFromRequest(c.req.raw)) {
    const parsed = v.safeParse(viaQuery, query);
    if (!parsed.success) throw invalidRequest("via must be a conversation id");
    const userId = (await authenticate(c.env, c.req.raw)).userId;
    return parsed.output.via === undefined ? { userId } : { userId, via: parsed.output.via };
  }
  if (query.sig === undefined && query.exp === undefined && query.u === undefined) throw unauthorized();
  const result = v.safeParse(signedQuery, query);
  if (!result.success) throw forbidden("invalid file link");
  const { exp, sig, u, via } = result.output;
  if (!(await verifyFileSignature(c.env, fileId, exp, u, sig, Date.now(), via))) {
    throw forbidden("invalid or expired file link");
  }
  return via === undefined ? { userId: u } : { userId: u, via };
}

files.get("/:id", async (c) => {
  const id = c.req.param("id");
  const { userId, via } = await downloader(c, id);
  const { row } = await requireReadable(c.env, id, userId, via);
  // A pending file is not there yet for readers.
  if (row.status !== "ready") throw notFound("file is still uploading");
  return serveFile(c.env, row, c.req.raw);
});
