import { invalidRequest, tooLarge } from "../http/errors";

export type LengthVerdict = "ok" | "long" | "short";

export interface ExactLengthBody {
  /** A stream of known length, as R2 `put` and `uploadPart` require. */
  stream: ReadableStream<Uint8Array>;
  /** What the counter saw; meaningful once the consumer has failed or finished. */
  verdict: () => LengthVerdict;
}

/**
 * Passes `body` through a byte counter into a FixedLengthStream of
 * `expected` bytes. The counter errors the stream at the first byte past
 * `expected` (so a huge body is cut off, not buffered) and at an early end;
 * FixedLengthStream makes R2 refuse any mismatch the counter did not see.
 */
export function exactLength(body: ReadableStream<Uint8Array>, expected: number): ExactLengthBody {
  let seen = 0;
  let verdict: LengthVerdict = "ok";
  const counter = new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      seen += chunk.byteLength;
      if (seen > expected) {
        verdict = "long";
        controller.error(tooLarge(`body is longer than the declared ${expected} bytes`));
        return;
      }
      controller.enqueue(chunk);
    },
    flush(controller) {
      if (seen < expected) {
        verdict = "short";
        controller.error(invalidRequest(`body is shorter than the declared ${expected} bytes`));
      }
    },
  });
  const fixed = new FixedLengthStream(expected);
  // A failure here errors fixed.readable, which is where the consumer sees it.
  body
    .pipeThrough(counter)
    .pipeTo(fixed.writable)
    .catch(() => {});
  return { stream: fixed.readable, verdict: () => verdict };
}

/** Refuses early when a Content-Length is present and already wrong. */
export function checkDeclaredLength(req: Request, expected: number): void {
  const header = req.headers.get("Content-Length");
  if (header === null || !/^\d{1,16}$/.test(header)) return;
  const length = Number(header);
  if (length > expected) throw tooLarge(`body is longer than the expected ${expected} bytes`);
  if (length < expected) throw invalidRequest(`body is shorter than the expected ${expected} bytes`);
}

/** The refusal for a failed write, from what the counter saw. */
export function lengthError(verdict: LengthVerdict, expected: number, cause: unknown): unknown {
  if (verdict === "long") return tooLarge(`body is longer than the expected ${expected} bytes`);
  if (verdict === "short") return invalidRequest(`body is shorter than the expected ${expected} bytes`);
  return cause;
}
