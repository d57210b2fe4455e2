// Access tokens minted the way the server mints them, with an expiry the test chooses.
import { env } from "cloudflare:workers";
import { decodeJwt, SignJWT } from "jose";
import { sha256Hex } from "../ids";
import type { TestUser } from "./helpers";

export const kidOf = async (secret: string) => (await sha256Hex(`kid:${secret}`)).slice(0, 12);

/** Signs an HS256 token exactly like the server, for the user's real session, expiring at `exp` (seconds). */
export async function tokenExpiringAt(user: TestUser, exp: number): Promise<string> {
  return new SignJWT({ sid: String(decodeJwt(user.accessToken).sid) })
    .setProtectedHeader({ alg: "HS256", typ: "JWT", kid: await kidOf(env.JWT_SECRET) })
    .setIssuer(env.JWT_ISSUER)
    .setAudience(env.JWT_AUDIENCE)
    .setSubject(user.user.id)
    .setIssuedAt()
    .setExpirationTime(exp)
    .sign(new TextEncoder().encode(env.JWT_SECRET));
}

/** The user with an access token that expires `seconds` from now. */
export async function shortLived(user: TestUser, seconds: number): Promise<TestUser & { exp: number }> {
  const exp = Math.floor(Date.now() / 1000) + seconds;
  return { ...user, accessToken: await tokenExpiringAt(user, exp), exp };
}
