import { describe, expect, it } from "vitest";
import { frameBytes, utf8Length } from "../shared/utf8";
import { type SocketTimes, sweepSockets } from "./sockets";

const T = 60_000;

describe("socket sweep", () => {
  it("closes a silent socket at its timeout exactly and schedules the next sweep at the earliest deadline", () => {
    const sockets = new Map<string, SocketTimes>([
      ["silent", { lastSeenAt: 0, expiresAt: 900_000 }],
      ["pinged", { lastSeenAt: 25_000, expiresAt: 900_000 }],
      ["expiring", { lastSeenAt: 50_000, expiresAt: 70_000 }],
    ]);
    const closed: [string, number, string][] = [];
    const sweep = (now: number) =>
      sweepSockets(
        [...sockets.keys()].filter((k) => !closed.some(([c]) => c === k)),
        (k) => sockets.get(k) ?? null,
        (k, code, reason) => closed.push([k, code, reason]),
        now,
        T,
      );
    // Before any deadline: nothing closes; due at the silent one's timeout, not half a timeout from now.
    expect(sweep(30_000)).toEqual({ open: 3, next: T });
    expect(sweep(T)).toEqual({ open: 2, next: 70_000 });
    expect(closed).toEqual([["silent", 1000, "heartbeat timeout"]]);
    // Expiry wins over liveness: the socket pinged 20 s ago, its token is over.
    expect(sweep(70_000)).toEqual({ open: 1, next: 85_000 });
    expect(closed.at(-1)).toEqual(["expiring", 4001, "token expired"]);
    expect(sweep(85_000)).toEqual({ open: 0, next: null });
  });
});

describe("frame size", () => {
  it("counts UTF-8 bytes, not UTF-16 units", () => {
    expect(utf8Length("abc")).toBe(3);
    expect(utf8Length("é")).toBe(2);
    expect(utf8Length("漢")).toBe(3);
    expect(utf8Length("😀")).toBe(4);
    expect(utf8Length("漢".repeat(30_000))).toBe(new TextEncoder().encode("漢".repeat(30_000)).byteLength);
    expect(frameBytes("漢".repeat(30_000), 64 * 1024)).toBe(90_000);
    expect(frameBytes("a".repeat(60_000), 64 * 1024)).toBe(60_000);
    expect(frameBytes(new ArrayBuffer(10), 64 * 1024)).toBe(10);
  });
});
