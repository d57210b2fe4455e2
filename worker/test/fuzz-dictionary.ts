// The hostile dictionary the fuzz and model tests draw from besides random
// data (issue 13): strings and numbers that random generation almost never
// hits but that break real code: prototype names as keys, lone surrogates,
// invisible and direction-changing characters, emoji that are several code
// points, text exactly at and one past the length limit, numbers JSON can
// spell but JavaScript cannot hold exactly.
import fc from "fast-check";
import { Limits } from "../protocol";

/** Names a plain object answers without owning them. */
export const PROTOTYPE_NAMES = [
  "__proto__",
  "constructor",
  "toString",
  "hasOwnProperty",
  "valueOf",
  "__defineGetter__",
  "__lookupGetter__",
  "isPrototypeOf",
  "propertyIsEnumerable",
  "toLocaleString",
  "prototype",
] as const;

const CJK = "\u6f22";
/** Zero-width characters and every bidi control: U+200B-U+200F, U+202A-U+202E, U+2066-U+2069, U+FEFF. */
export const INVISIBLES = [
  "\u200B",
  "\u200C",
  "\u200D",
  "\u200E",
  "\u200F",
  "\u202A",
  "\u202B",
  "\u202C",
  "\u202D",
  "\u202E",
  "\u2066",
  "\u2067",
  "\u2068",
  "\u2069",
  "\uFEFF",
];
/** 4-byte emoji, a skin tone, ZWJ families, a flag, a keycap. */
export const EMOJI = [
  "\u{1F600}",
  "\u{1F44D}\u{1F3FD}",
  "\u{1F468}\u200D\u{1F469}\u200D\u{1F467}\u200D\u{1F466}",
  "\u{1F3F3}\uFE0F\u200D\u{1F308}",
  "\u{1F1FA}\u{1F1F3}",
  "1\uFE0F\u20E3",
  "\u{1F44D}",
];

export const HOSTILE_STRINGS: readonly string[] = [
  ...PROTOTYPE_NAMES,
  "\uD800",
  "\uDFFF",
  "a\uD800b",
  "\uDFFF\uD800",
  ...INVISIBLES,
  `\u202Eevil\u202C`,
  `admin\u200B`,
  ...EMOJI,
  CJK.repeat(Limits.textMax),
  CJK.repeat(Limits.textMax + 1),
  "\u{1F600}".repeat(Limits.textMax / 2),
  "NaN",
  "Infinity",
  "-0",
  "1e309",
  "9007199254740993",
  "0x1F",
  "null",
  "undefined",
  "",
  " ",
  "\u0000",
];

/**
 * Numbers as raw JSON tokens, because JSON.stringify cannot write most of
 * them: 1e309 parses to Infinity, -0 stays -0, 2^53+1 rounds to 2^53.
 */
export const HOSTILE_NUMBER_TOKENS = [
  "1e309",
  "-1e309",
  "-0",
  "0.0",
  "9007199254740993",
  "9007199254740992",
  "-9007199254740993",
  "-1",
  "-0.5",
  "0.5",
  "1.5",
  "1e-7",
  "2147483648",
  "4294967296",
  "1E2",
  "1.7976931348623157e308",
] as const;

/** A JSON number written as its raw token (see `toJson`). */
export class RawNumber {
  constructor(readonly token: string) {}
}

/** JSON.stringify, except that a RawNumber is written as its token. */
export function toJson(value: unknown): string {
  if (value instanceof RawNumber) return value.token;
  if (Array.isArray(value)) return `[${value.map(toJson).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.entries(value).filter(([, x]) => x !== undefined);
    return `{${fields.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

export const hostileString: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...HOSTILE_STRINGS), weight: 4 },
  // Glued to ordinary text, so it also sits inside a value and not only as all of it.
  {
    arbitrary: fc
      .tuple(fc.constantFrom(...HOSTILE_STRINGS.filter((s) => s.length < 100)), fc.string({ maxLength: 6 }))
      .map(([h, s]) => `${s}${h}${s}`),
    weight: 1,
  },
);
export const hostileNumber: fc.Arbitrary<RawNumber> = fc
  .constantFrom(...HOSTILE_NUMBER_TOKENS)
  .map((t) => new RawNumber(t));
/** Anything hostile a JSON field can hold. */
export const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  { arbitrary: hostileString, weight: 3 },
  { arbitrary: hostileNumber, weight: 2 },
  {
    arbitrary: fc.constantFrom(...PROTOTYPE_NAMES).map((k) => JSON.parse(`{${JSON.stringify(k)}:{"polluted":1}}`)),
    weight: 1,
  },
);

/** Proves a parsed body or frame reached no shared prototype (a `__proto__` key assigned where it is defined). */
export function prototypeIsClean(): boolean {
  const probe: { polluted?: unknown } = {};
  return probe.polluted === undefined && !Object.hasOwn(Object.prototype, "polluted");
}
