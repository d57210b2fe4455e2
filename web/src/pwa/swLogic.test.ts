import { describe, expect, it } from "vitest";
import { conversationUrl, isAppNavigation, isKillSignal, parsePushPayload } from "./swLogic";

describe("service worker logic", () => {
  it("parses the push payload and refuses anything else", () => {
    expect(parsePushPayload('{"conversationId":"c1","seq":4,"title":"Ann","body":"hi"}')).toEqual({
      conversationId: "c1",
      seq: 4,
      title: "Ann",
      body: "hi",
    });
    expect(parsePushPayload('{"conversationId":"c1","seq":"4","title":"Ann"}')).toBeNull();
    expect(parsePushPayload("not json")).toBeNull();
    expect(parsePushPayload("[]")).toBeNull();
  });

  it("opens the chat route of the conversation", () => {
    expect(conversationUrl("https://x.test", "a/b")).toBe("https://x.test/c/a%2Fb");
  });

  it("kills only on an explicit JSON kill flag", () => {
    expect(isKillSignal("application/json", '{"kill":true}')).toBe(true);
    expect(isKillSignal("application/json", '{"kill":false}')).toBe(false);
    expect(isKillSignal("text/html", '{"kill":true}')).toBe(false);
    expect(isKillSignal("application/json", "<!doctype html>")).toBe(false);
    expect(isKillSignal(null, "")).toBe(false);
  });

  it("serves the shell for app routes only", () => {
    expect(isAppNavigation("/")).toBe(true);
    expect(isAppNavigation("/c/abc")).toBe(true);
    expect(isAppNavigation("/api/health")).toBe(false);
    expect(isAppNavigation("/sw-kill.json")).toBe(false);
  });
});
