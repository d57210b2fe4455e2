import { describe, expect, it } from "vitest";
import { t } from "../../i18n";
import { personName, quoteOf } from "./quote";

const nameOf = (id: string) => `name of ${id}`;
const item = (fields: Partial<Parameters<typeof quoteOf>[0]>) => ({
  senderId: "u2",
  text: null,
  deleted: false,
  ...fields,
});

describe("reply quotes", () => {
  it("names the viewer as You and anyone else by name", () => {
    expect(personName("u1", "u1", nameOf)).toBe(t("you"));
    expect(personName("u2", "u1", nameOf)).toBe("name of u2");
    expect(quoteOf(item({ senderId: "u1", text: "mine" }), "u1", nameOf)).toEqual({ name: t("you"), text: "mine" });
  });

  it("quotes the start of the text, a file by its name, and a deleted message as deleted", () => {
    const long = "x".repeat(100);
    expect(quoteOf(item({ text: long }), "u1", nameOf).text).toBe(`${"x".repeat(80)}…`);
    expect(quoteOf(item({ text: "x".repeat(80) }), "u1", nameOf).text).toBe("x".repeat(80));
    const file = { id: "f1", name: "notes.pdf", contentType: "application/pdf", size: 3 };
    expect(quoteOf(item({ file }), "u1", nameOf).text).toBe("notes.pdf");
    expect(quoteOf(item({ text: "gone", deleted: true }), "u1", nameOf).text).toBe(t("messageDeleted"));
  });

  it("quotes mentions by current name, or by the token's label for someone unknown here", () => {
    const known = (id: string) => (id === "u3" ? "Cy Now" : undefined);
    const text = "@[Cy Then](u:u3) and @[Gone](u:u9) hi";
    expect(quoteOf(item({ text }), "u1", nameOf, known).text).toBe("@Cy Now and @Gone hi");
  });
});
