import type { Bindings } from "./env";

export function allowedOrigins(env: Bindings): Set<string> {
  return new Set(
    env.ALLOWED_ORIGINS.split(",")
      .map((o) => o.trim())
      .filter(Boolean),
  );
}

/** A missing Origin (non-browser client) passes; a present one must match exactly. */
export function originAllowed(env: Bindings, req: Request): boolean {
  const origin = req.headers.get("Origin");
  return origin === null || allowedOrigins(env).has(origin);
}
