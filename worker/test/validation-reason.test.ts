// Issue 15, defect 7: a refused body says which field and why, in the
// message too (it used to be "invalid json", read as "malformed JSON").
import { describe, expect, it } from "vitest";
import { api, signUp } from "./helpers";

const register = (body: unknown) => api("/api/auth/register", { body });

describe("validation refusals name the field", () => {
  it("refuses 'Alice Smith' as a username with the rule, not 'invalid json'", async () => {
    const res = await register({ username: "Alice Smith", password: "long enough pw" });
    expect(res.status).toBe(400);
    const { error } = (await res.json()) as { error: { code: string; message: string; details: unknown } };
    expect(error.code).toBe("invalid_request");
    expect(error.message).toBe("invalid body: username must be 3-32 of a-z 0-9 _ . -");
    expect(error.details).toEqual([{ field: "username", message: "must be 3-32 of a-z 0-9 _ . -" }]);
  });

  it("names the password rule, and a refused query parameter as a query", async () => {
    const res = await register({ username: "ok_name", password: "short" });
    const { error } = (await res.json()) as { error: { message: string } };
    expect(error.message).toBe("invalid body: password must be at least 8 characters");
    const me = await signUp("vq");
    const q = await api("/api/users?q=", { token: me.accessToken });
    expect(q.status).toBe(400);
    expect(((await q.json()) as { error: { message: string } }).error.message).toMatch(/^invalid query: q /);
  });

  it("keeps malformed JSON a plain invalid_request", async () => {
    const res = await api("/api/auth/register", { body: "{" });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe("invalid_request");
  });
});
