// One-off: draws the app icon (a speech bubble) and writes the PNGs in
// web/public/icons with nothing but node:zlib. Run: node web/tools/make-icons.mjs
import { writeFileSync } from "node:fs";
import { deflateSync } from "node:zlib";

const BLUE = [29, 78, 216];
const WHITE = [255, 255, 255];

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(buf) {
  let c = 0xffffffff;
  for (const b of buf) c = crcTable[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type, data) {
  const len = Buffer.alloc(4);
  len.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([len, body, crc]);
}
function png(size, pixel) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  for (let y = 0; y < size; y += 1) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    for (let x = 0; x < size; x += 1) {
      const [r, g, b, a] = pixel(x, y);
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = r;
      raw[o + 1] = g;
      raw[o + 2] = b;
      raw[o + 3] = a;
    }
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk("IHDR", ihdr),
    chunk("IDAT", deflateSync(raw, { level: 9 })),
    chunk("IEND", Buffer.alloc(0)),
  ]);
}

/** Shape test in unit coordinates (0..1): rounded background, bubble, tail, three dots. */
function shade(u, v, { fullBleed, scale }) {
  const inRoundRect = (r) => {
    const dx = Math.max(r - u, 0, u - (1 - r));
    const dy = Math.max(r - v, 0, v - (1 - r));
    return dx * dx + dy * dy <= r * r;
  };
  if (!fullBleed && !inRoundRect(0.22)) return null;
  // Content drawn around the centre, shrunk by `scale` (maskable icons keep it in the safe zone).
  const x = (u - 0.5) / scale + 0.5;
  const y = (v - 0.5) / scale + 0.5;
  const ex = (x - 0.5) / 0.34;
  const ey = (y - 0.46) / 0.26;
  const bubble = ex * ex + ey * ey <= 1;
  const tail = y > 0.6 && y < 0.8 && x > 0.3 && x < 0.46 && x - 0.3 < (0.8 - y) * 0.8;
  const dot = [0.37, 0.5, 0.63].some((cx) => (x - cx) ** 2 + (y - 0.46) ** 2 <= 0.045 ** 2);
  if ((bubble || tail) && !dot) return WHITE;
  return BLUE;
}

function icon(size, opts) {
  const samples = 4;
  return png(size, (px, py) => {
    const acc = [0, 0, 0, 0];
    for (let i = 0; i < samples; i += 1)
      for (let j = 0; j < samples; j += 1) {
        const c = shade((px + (i + 0.5) / samples) / size, (py + (j + 0.5) / samples) / size, opts);
        if (!c) continue;
        acc[0] += c[0];
        acc[1] += c[1];
        acc[2] += c[2];
        acc[3] += 255;
      }
    const n = samples * samples;
    const covered = acc[3] / 255;
    if (covered === 0) return [0, 0, 0, 0];
    return [acc[0] / covered, acc[1] / covered, acc[2] / covered, acc[3] / n].map(Math.round);
  });
}

const out = new URL("../public/icons/", import.meta.url);
writeFileSync(new URL("icon-192.png", out), icon(192, { fullBleed: false, scale: 1 }));
writeFileSync(new URL("icon-512.png", out), icon(512, { fullBleed: false, scale: 1 }));
writeFileSync(new URL("maskable-512.png", out), icon(512, { fullBleed: true, scale: 0.78 }));
writeFileSync(new URL("apple-touch-icon.png", out), icon(180, { fullBleed: true, scale: 0.9 }));
console.log("icons written to", out.pathname);
