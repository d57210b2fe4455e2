// A hint while a new password is typed, not a rule: the server's only rule
// is its length (8-128). Length counts most; a password made of one
// repeated character or a well-known run is weak whatever its length.

export type Strength = "weak" | "fair" | "strong";

const COMMON =
  /^(?:password|passw0rd|qwerty|qwertyuiop|letmein|iloveyou|admin|welcome|abc123|1q2w3e4r|123456789?0?|12345678)$/i;

/** Every character the same, or each one step from the last (abcdefgh, 98765432). */
function isRun(s: string): boolean {
  const codes = [...s].map((c) => c.codePointAt(0) ?? 0);
  const steps = new Set(codes.slice(1).map((c, i) => c - (codes[i] ?? 0)));
  return steps.size === 1 && [...steps].every((d) => Math.abs(d) <= 1);
}

export function passwordStrength(password: string): Strength {
  if (password.length < 8 || COMMON.test(password) || isRun(password)) return "weak";
  const kinds = [/\p{Ll}/u, /\p{Lu}/u, /\p{N}/u, /[^\p{L}\p{N}]/u].filter((k) => k.test(password)).length;
  const score = (password.length >= 12 ? 1 : 0) + (password.length >= 16 ? 1 : 0) + (kinds >= 3 ? 1 : 0);
  if (score >= 2) return "strong";
  return score === 1 || kinds >= 2 ? "fair" : "weak";
}
