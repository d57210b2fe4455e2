import * as v from "valibot";
import { Limits } from "../protocol";
import { fileId as fileIdSchema } from "./frames";
import { type FileFacts, NO_FILES } from "./message-file";

/** The `fileId` of a frame that sends a file, read cheaply before the room parses it properly. */
export function sentFileId(data: string | ArrayBuffer): string | null {
  if (typeof data !== "string" || data.length > Limits.frameMaxBytes || !data.includes('"fileId"')) return null;
  try {
    const raw: unknown = JSON.parse(data);
    if (typeof raw !== "object" || raw === null || !("type" in raw) || raw.type !== "send") return null;
    const id = "fileId" in raw ? raw.fileId : undefined;
    return v.is(fileIdSchema, id) ? id : null;
  } catch {
    return null;
  }
}

/**
 * Lets a file message read D1 before the room's synchronous append without
 * reordering frames: while a lookup is in flight, every later frame (of any
 * socket) queues behind it and is delivered in arrival order. With no file
 * frames in flight, frames pass straight through in the same turn.
 */
export class FileGate {
  private tail: Promise<void> | null = null;

  constructor(private readonly lookup: (fileId: string) => Promise<FileFacts | null>) {}

  /** `deliver` gets the facts of the frame's file (empty map when there is none, or the lookup failed). */
  run(
    data: string | ArrayBuffer,
    deliver: (facts: ReadonlyMap<string, FileFacts | null>) => void,
  ): Promise<void> | undefined {
    const fileId = sentFileId(data);
    if (fileId === null && this.tail === null) {
      deliver(NO_FILES);
      return undefined;
    }
    // Start the lookup now, so queued lookups overlap; only delivery is ordered.
    const facts = fileId === null ? null : this.lookup(fileId).catch(() => undefined);
    const prior = this.tail ?? Promise.resolve();
    const next = prior
      .then(async () => {
        const found = facts === null ? undefined : await facts;
        deliver(fileId === null || found === undefined ? NO_FILES : new Map([[fileId, found]]));
      })
      // One failed delivery must not stall the frames queued behind it.
      .catch((err: unknown) => console.error("frame delivery failed", err instanceof Error ? err.name : "non-error"));
    this.tail = next;
    void next.finally(() => {
      if (this.tail === next) this.tail = null;
    });
    return next;
  }
}
