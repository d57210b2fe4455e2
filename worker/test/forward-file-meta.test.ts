// Attack pass on issue 17: a forwarded file's meta, read `?via=` the
// destination, must not name the source. It answered the file's D1 row as
// is: the source conversation's id and the uploader's id, so a member of the
// destination (however many forwards away) learned which conversation the
// picture came from and someone else in it, which the forward itself never says.
import { describe, expect, it } from "vitest";
import type { ConversationEvent, FileInfo } from "../protocol";
import { makeGroup } from "./conversation-fixtures";
import { call, createFile, json } from "./files-fixtures";
import { api, signUp } from "./helpers";

// A 1x1 PNG.
const PNG = Uint8Array.from(
  atob("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="),
  (c) => c.charCodeAt(0),
);

describe("a forwarded file's meta through the destination", () => {
  it("names the destination and who posted it there, never the source conversation or its uploader", async () => {
    const [a, uploader, author, x] = await Promise.all([signUp("fma"), signUp("fmu"), signUp("fmb"), signUp("fmx")]);
    const source = await makeGroup(a, [uploader, author]);
    const dest = await makeGroup(a, [x], "dest");
    // One member uploads; another posts the picture (any member may send a ready file of the conversation).
    const { file } = await createFile(uploader.accessToken, {
      conversationId: source.id,
      name: "map.png",
      size: PNG.byteLength,
      contentType: "image/png",
    });
    await json(
      await call(`/api/files/${file.id}/content`, { method: "PUT", token: uploader.accessToken, body: PNG }),
      200,
    );
    const sent = await json<{ event: ConversationEvent }>(
      await api(`/api/conversations/${source.id}/messages`, {
        token: author.accessToken,
        body: { clientId: "img", kind: "image", fileId: file.id },
      }),
      201,
    );
    await json(
      await api(`/api/conversations/${dest.id}/forwards`, {
        token: a.accessToken,
        body: { clientId: "fw", from: { conversationId: source.id, seq: sent.event.seq } },
      }),
      201,
    );

    const res = await call(`/api/files/${file.id}/meta?via=${dest.id}`, { token: x.accessToken });
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(text).not.toContain(source.id);
    expect(text).not.toContain(uploader.user.id);
    const meta = JSON.parse(text) as { file: FileInfo; url: string };
    expect(meta.file).toMatchObject({ id: file.id, conversationId: dest.id, uploaderId: a.user.id, name: "map.png" });
    expect((await call(meta.url)).status).toBe(200);

    // Read in its own conversation, the meta is the file's row as before.
    const own = await json<{ file: FileInfo }>(
      await call(`/api/files/${file.id}/meta`, { token: author.accessToken }),
      200,
    );
    expect(own.file).toMatchObject({ conversationId: source.id, uploaderId: uploader.user.id });
  });
});
