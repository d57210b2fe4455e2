// The contract's field rules (worker/protocol.ts), checked as people type,
// and the words for each: the same rule the server applies, so a form that
// passes here is not refused for its shape.
import { Limits, USERNAME_PATTERN } from "../../../worker/protocol";
import { type MessageKey, t } from "../i18n";

export type Field = "username" | "password" | "newPassword" | "displayName" | "otp" | "title" | "text" | "q";

const CONTROL = /\p{Cc}/u;

/** The rule of a field, as a sentence in the current language. */
const RULES: ReadonlyMap<Field, { label: MessageKey; rule: () => string }> = new Map([
  [
    "username",
    { label: "fieldUsername", rule: () => t("ruleUsername", { min: Limits.usernameMin, max: Limits.usernameMax }) },
  ],
  [
    "password",
    { label: "fieldPassword", rule: () => t("rulePassword", { min: Limits.passwordMin, max: Limits.passwordMax }) },
  ],
  [
    "newPassword",
    { label: "fieldPassword", rule: () => t("rulePassword", { min: Limits.passwordMin, max: Limits.passwordMax }) },
  ],
  ["displayName", { label: "fieldDisplayName", rule: () => t("ruleDisplayName", { max: Limits.displayNameMax }) }],
  ["otp", { label: "fieldCode", rule: () => t("ruleOtp") }],
  ["title", { label: "fieldTitle", rule: () => t("ruleTitle", { max: Limits.titleMax }) }],
  ["text", { label: "fieldText", rule: () => t("ruleText", { max: Limits.textMax }) }],
  ["q", { label: "fieldSearch", rule: () => t("ruleSearch") }],
] as const);

const isField = (name: string): name is Field => RULES.has(name as Field);

export function ruleText(field: Field): string {
  return RULES.get(field)?.rule() ?? "";
}

/** "Username: 3–32 characters…" for a field the server named (any string: looked up in a Map). */
export function fieldRuleText(name: string): string | null {
  if (!isField(name)) return null;
  const entry = RULES.get(name);
  return entry ? t("errField", { field: t(entry.label), rule: entry.rule() }) : null;
}

const codePoints = (s: string) => [...s].length;

/** Whether `value` satisfies the field's rule (an empty optional field is checked by the caller). */
export function fieldOk(field: Field, value: string): boolean {
  switch (field) {
    case "username":
      return USERNAME_PATTERN.test(value.trim().toLowerCase());
    case "password":
    case "newPassword":
      return value.length >= Limits.passwordMin && value.length <= Limits.passwordMax;
    case "displayName": {
      const v = value.trim();
      return v.length >= 1 && v.length <= Limits.displayNameMax && !CONTROL.test(v);
    }
    case "otp":
      return /^\d{6}$/.test(value);
    case "title": {
      const v = value.trim();
      return v.length >= 1 && v.length <= Limits.titleMax && !CONTROL.test(v);
    }
    case "text":
      return codePoints(value) <= Limits.textMax;
    case "q":
      return /[\p{L}\p{N}]/u.test(value);
  }
}
