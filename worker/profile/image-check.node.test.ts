import { describe, expect, it } from "vitest";
import {
  ascii,
  concat,
  HTML_PAGE,
  JPEG_64,
  jpegWithComment,
  PNG_32,
  pngSized,
  pngWithChunk,
  SVG_IMAGE,
  WEBP_256,
} from "../test/avatar-fixtures";
import { checkAvatarImage } from "./image-check";

const refused = async (bytes: Uint8Array) => {
  const result = await checkAvatarImage(bytes);
  expect(result.ok, JSON.stringify(result)).toBe(false);
  return result.ok ? "" : result.reason;
};

describe("checkAvatarImage", () => {
  it("takes canvas-encoded WebP, JPEG and PNG with their real sizes", async () => {
    expect(await checkAvatarImage(WEBP_256)).toEqual({ ok: true, type: "image/webp", width: 256, height: 256 });
    expect(await checkAvatarImage(JPEG_64)).toEqual({ ok: true, type: "image/jpeg", width: 64, height: 64 });
    expect(await checkAvatarImage(PNG_32)).toEqual({ ok: true, type: "image/png", width: 32, height: 32 });
  });

  it("refuses markup and other types whatever they claim", async () => {
    expect(await refused(HTML_PAGE)).toMatch(/not a PNG, JPEG or WebP/);
    expect(await refused(SVG_IMAGE)).toMatch(/not a PNG, JPEG or WebP/);
    expect(await refused(ascii('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>'))).toMatch(/not a/);
    expect(await refused(new Uint8Array(0))).toMatch(/not a/);
    // GIF is an image, but not one of the three.
    expect(await refused(ascii("GIF89a\x01\x00\x01\x00\x00\x00\x00;"))).toMatch(/not a/);
  });

  it("refuses polyglots: an image with a page or an archive after its end", async () => {
    expect(await refused(concat(PNG_32, HTML_PAGE))).toMatch(/after its end/);
    expect(await refused(concat(JPEG_64, HTML_PAGE))).toMatch(/after its end/);
    expect(await refused(concat(JPEG_64, ascii("PK\x03\x04")))).toMatch(/after its end/);
    // Appended to a WebP the RIFF length no longer matches; with it patched, the extra chunk is refused.
    expect(await refused(concat(WEBP_256, HTML_PAGE))).toMatch(/length/);
    const padded = concat(WEBP_256, ascii("HTML"), Uint8Array.of(4, 0, 0, 0), ascii("<b>!"));
    new DataView(padded.buffer).setUint32(4, padded.length - 8, true);
    expect(await refused(padded)).toMatch(/"HTML" block/);
  });

  it("refuses text and metadata blocks, where markup or a GPS position rides along", async () => {
    expect(await refused(pngWithChunk("tEXt", "Comment\0<script>alert(1)</script>"))).toMatch(/"tEXt" block/);
    expect(await refused(pngWithChunk("eXIf", "MM\0*"))).toMatch(/"eXIf" block/);
    expect(await refused(jpegWithComment("<script>alert(1)</script>"))).toMatch(/metadata or a comment/);
  });

  it("refuses pictures too large to decode safely, and cut-short ones", async () => {
    expect(await refused(pngSized(20_000, 20_000))).toMatch(/at most 1024 x 1024/);
    expect(await refused(pngSized(1025, 1))).toMatch(/at most/);
    expect((await checkAvatarImage(pngSized(1024, 1024))).ok).toBe(true);
    expect(await refused(PNG_32.subarray(0, PNG_32.length - 6))).toMatch(/cut short|no end/);
    expect(await refused(JPEG_64.subarray(0, JPEG_64.length - 2))).toMatch(/no end|cut short/);
    expect(await refused(WEBP_256.subarray(0, 100))).toMatch(/length/);
  });
});
