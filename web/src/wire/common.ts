import * as v from "valibot";

/** `null` or missing both become `undefined`, for optional wire fields. */
export const maybe = <T extends v.GenericSchema>(schema: T) =>
  v.pipe(
    v.optional(v.nullable(schema)),
    v.transform((x) => x ?? undefined),
  );

/** `null` or missing both become `null`. */
export const orNull = <T extends v.GenericSchema>(schema: T) => v.optional(v.nullable(schema), null);

export const int = v.pipe(v.number(), v.integer());
export const seq = v.pipe(v.number(), v.integer(), v.minValue(0));

/** `null` or missing both become `""`. */
export const textOrEmpty = v.optional(
  v.pipe(
    v.nullable(v.string()),
    v.transform((s) => s ?? ""),
  ),
  "",
);
