import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { join, makeGroup, receivedSeqs } from "./conversation-fixtures";
import { signUp, waitFor } from "./helpers";
import { keepAlive } from "./inbox-fixtures";

describe("conversation socket heartbeat", () => {
  it("closes a socket silent past the timeout; pings or frames keep a socket open", async () => {
    const [a, b, c] = [await signUp("ha"), await signUp("hb"), await signUp("hc")];
    const group = await makeGroup(a, [b, c]);
    const silent = await join(group.id, a);
    const pinging = await join(group.id, b);
    const stopPing = keepAlive(pinging);
    const typing = await join(group.id, c);
    const typer = setInterval(() => typing.send({ type: "typing" }), 250);
    let silentClosed: { code: number; reason: string } | null = null;
    void silent.closed.then((e) => {
      silentClosed = e;
    });
    let othersClosed = false;
    void Promise.race([pinging.closed, typing.closed]).then(() => {
      othersClosed = true;
    });

    const timeout = Number(env.HEARTBEAT_TIMEOUT_MS);
    await waitFor(() => silentClosed !== null, timeout * 2 + 5000, "the silent socket closed");
    expect(silentClosed).toEqual({ code: 1000, reason: "heartbeat timeout" });
    expect(othersClosed).toBe(false);

    // The survivors still get live events.
    pinging.send({ type: "send", clientId: "after", kind: "text", text: "still here" });
    await waitFor(() => receivedSeqs(typing).includes(2) && receivedSeqs(pinging).includes(2));
    expect(othersClosed).toBe(false);

    clearInterval(typer);
    stopPing();
    pinging.close();
    typing.close();
  });
});
