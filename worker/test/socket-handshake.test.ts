import { env, exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { expectError, makeGroup, wsPath } from "./conversation-fixtures";
import { BASE, expectSocket, openSocket, signUp, waitFor } from "./helpers";

const sessionIdOf = (token: string): string => {
  const payload: unknown = JSON.parse(atob((token.split(".")[1] ?? "").replaceAll("-", "+").replaceAll("_", "/")));
  if (typeof payload !== "object" || payload === null || !("sid" in payload) || typeof payload.sid !== "string") {
    throw new Error("token without sid");
  }
  return payload.sid;
};

const refused = (s: Awaited<ReturnType<typeof openSocket>>): Response => {
  if (!(s instanceof Response)) throw new Error("expected an HTTP refusal, got a socket");
  return s;
};

describe("conversation socket handshake", () => {
  it("refuses before the upgrade: no token 401, revoked session 401, foreign Origin 403, non-member 403, unknown 404", async () => {
    const [a, b, c] = [await signUp("a"), await signUp("b"), await signUp("c")];
    const group = await makeGroup(a, [b]);
    await expectError(refused(await openSocket(wsPath(group.id), null)), 401, "unauthorized");
    await expectError(
      refused(await openSocket(wsPath(group.id), a.accessToken, { Origin: "https://evil.example" })),
      403,
      "forbidden",
    );
    await expectError(refused(await openSocket(wsPath(group.id), c.accessToken)), 403, "forbidden");
    await expectError(refused(await openSocket(wsPath("c_AAAAAAAAAAAAAAAAAAAAAA"), a.accessToken)), 404, "not_found");
    // An allowed Origin passes.
    expectSocket(await openSocket(wsPath(group.id), a.accessToken, { Origin: "http://localhost:8787" })).close();

    await env.DB.prepare("UPDATE sessions SET revoked_at = ? WHERE id = ?")
      .bind(Date.now(), sessionIdOf(b.accessToken))
      .run();
    await expectError(refused(await openSocket(wsPath(group.id), b.accessToken)), 401, "unauthorized");
  });

  it("ignores look-alike internal headers sent by the client", async () => {
    const [a, b, c] = [await signUp("a"), await signUp("b"), await signUp("c")];
    const group = await makeGroup(a, [b]);
    const s = expectSocket(await openSocket(wsPath(group.id), a.accessToken, { "x-imsys-user-id": c.user.id }));
    s.send({ type: "hello", lastSeq: 0 });
    await waitFor(() => s.frames.some((f) => f.type === "welcome"));
    s.send({ type: "send", clientId: "k", kind: "text", text: "who am I" });
    await waitFor(() => s.frames.some((f) => f.type === "events" && JSON.stringify(f).includes("who am I")));
    const ev = s.frames.flatMap((f) =>
      f.type === "events" ? (f.events as { text?: string; senderId: string }[]) : [],
    );
    expect(ev.find((e) => e.text === "who am I")?.senderId).toBe(a.user.id);
    s.close();
  });

  it("echoes the imsys.v1 subprotocol when a browser offers it with the bearer token", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const res = await exports.default.fetch(`${BASE}${wsPath(group.id)}`, {
      headers: { Upgrade: "websocket", "Sec-WebSocket-Protocol": `imsys.v1, bearer.${a.accessToken}` },
    });
    expect(res.status).toBe(101);
    expect(res.headers.get("Sec-WebSocket-Protocol")).toBe("imsys.v1");
    res.webSocket?.accept();
    res.webSocket?.close();
    const plain = await exports.default.fetch(`${BASE}${wsPath(group.id)}`, {
      headers: { Upgrade: "websocket", Authorization: `Bearer ${a.accessToken}` },
    });
    expect(plain.status).toBe(101);
    expect(plain.headers.get("Sec-WebSocket-Protocol")).toBeNull();
    plain.webSocket?.accept();
    plain.webSocket?.close();
  });

  it("answers a non-upgrade GET with 400", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const res = await exports.default.fetch(`${BASE}${wsPath(group.id)}`, {
      headers: { Authorization: `Bearer ${a.accessToken}` },
    });
    await expectError(res, 400, "invalid_request");
  });
});

describe("conversation socket protocol guards", () => {
  it("closes with 4400 when the first frame is not hello", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const s = expectSocket(await openSocket(wsPath(group.id), a.accessToken));
    s.send({ type: "send", clientId: "k", kind: "text", text: "too early" });
    expect((await s.closed).code).toBe(4400);
  });

  it("closes with 1009 on a frame over 64 KiB", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const s = expectSocket(await openSocket(wsPath(group.id), a.accessToken));
    s.send({ type: "hello", lastSeq: 0 });
    await waitFor(() => s.frames.some((f) => f.type === "welcome"));
    s.send({ type: "send", clientId: "big", kind: "text", text: "é".repeat(33_000) });
    expect((await s.closed).code).toBe(1009);
  });

  it("answers the ping text with pong, before and after hello", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const s = expectSocket(await openSocket(wsPath(group.id), a.accessToken));
    s.send('{"type":"ping"}');
    await waitFor(() => s.frames.some((f) => f.type === "pong"));
    s.send({ type: "hello", lastSeq: 0 });
    await waitFor(() => s.frames.some((f) => f.type === "welcome"));
    s.send('{"type":"ping"}');
    await waitFor(() => s.frames.filter((f) => f.type === "pong").length === 2);
    s.close();
  });

  it("closes the 11th socket of one user with 4008", async () => {
    const [a, b] = [await signUp("a"), await signUp("b")];
    const group = await makeGroup(a, [b]);
    const open = [];
    for (let i = 0; i < 10; i++) open.push(expectSocket(await openSocket(wsPath(group.id), a.accessToken)));
    const extra = expectSocket(await openSocket(wsPath(group.id), a.accessToken));
    expect((await extra.closed).code).toBe(4008);
    // Another user is not affected by a's cap.
    const other = expectSocket(await openSocket(wsPath(group.id), b.accessToken));
    other.send({ type: "hello", lastSeq: 0 });
    await waitFor(() => other.frames.some((f) => f.type === "welcome"));
    for (const s of [...open, other]) s.close();
  });
});
