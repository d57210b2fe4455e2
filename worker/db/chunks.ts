/**
 * D1 binds at most 100 parameters per statement, so lists of ids go in
 * chunks of this many (leaving room for the statement's other parameters).
 */
export const ID_CHUNK = 90;

export const chunks = <T>(xs: readonly T[], n: number): T[][] =>
  Array.from({ length: Math.ceil(xs.length / n) }, (_, i) => xs.slice(i * n, (i + 1) * n));
