import * as v from "valibot";

/** The text parsed as JSON and then by `schema`, or null when either fails (a newer server's frames included). */
export function parseJsonFrame<T>(schema: v.GenericSchema<unknown, T>, text: unknown): T | null {
  if (typeof text !== "string") return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const result = v.safeParse(schema, json);
  return result.success ? result.output : null;
}
