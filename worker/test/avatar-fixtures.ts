// Real avatars as Chromium's canvas encodes them (what the web client sends),
// and ways to spoil them. Shared by the plain-Node checker tests and the
// Workers-runtime route tests.

const fromBase64 = (s: string): Uint8Array<ArrayBuffer> => Uint8Array.from(atob(s), (c) => c.charCodeAt(0));

/** 256 x 256 lossy WebP, the size and type the web client uploads. */
export const WEBP_256 = fromBase64(
  "UklGRmQHAABXRUJQVlA4WAoAAAAgAAAA/wAA/wAASUNDUMgBAAAAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABh" +
    "Y3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
    "AAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB" +
    "UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAA" +
    "AAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9Y" +
    "WVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM" +
    "ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADZWUDggdgUAABAmAJ0BKgABAAE+bTaYSSQjIqEkOLgA" +
    "gA2JZ278fIfC0jeXE/z9Iiu04H/sXh93rpsnVwuNvq4kfq12Ef4y0Au0d+mUDwA0gU0zx9PI/QlBWxWwLIKGyRpDh78pH/1Yd//z" +
    "5H5d+Ui+5v7//tLeSL0v/9xkV/DcLteThRrtLrFq7+ozWq7qS5Fs0wR8UxTx/rEO/G2E2nOfiIW2nVZM/mu166ZhdffbttKU046d" +
    "kh+RNcQOfYuysfwclYV2RhsR7qCvErmVI+rXVlgVz+voig00yX2T/GFYsDNI61ujUz99SZW65PUry/xuO1dpIHRnoAuZqqDN1h5U" +
    "LtEByoUCxXMPF/Ftr/9uIyxxUYsk6FyvTokLpvXs5NDwZjvz7NIX0iCsmXP6kbs//1VH+dnWUj8v//yK4QYroAAA/cPH/+e4f+2v" +
    "/izvp/+s/DP4ZV50NZ4vvC5O5bh5Mbc+FTBXyDQ97JEQwwbW9HOJ1J7JW0A2WP4o8h0ykFbOV/PX1OEAa78o9UkKkoqcXKWbo9Kl" +
    "vxbMDpg3ypRVp2+L6gUnH9XvQ4ztQajxmN/yWXtUwdRgh/mmYB6HAuF2Q2p5FIAMpZMAfS2ZpKx62NiK05KumVhnEBZ9d+jkG+3M" +
    "59JiKrs3xmk6Vui5iNb5U37chj1VbDA7RaZUhSPlUuoGlXJ0tmJuT4/7pCHPxrwBcKljl0YBqXPIVWZYbXx+bcOTGQ9RqoNUGDSV" +
    "FR0QvuV1aNjnqK/y0es3Euc2tEG8uZJZ3FCXdlbCeVJuA197Wrpo8ODAafOb7qfM/w4o1tgJnvChDSLi3SG2GMC398jrmFvtYYG+" +
    "remGRsSGJAGISR8oaVCzi3Z7lKNKcxCedbktAZlYV5+6v4nXV6nPntOQw8ty4BojxXLM6e9zrsZTXkTvZ/47A58Wd0JvpmEmEAA/" +
    "4V+VKw6ypua41/ht1fGeZJA/MbE72gu+eaqam7TxtEHMmb2QbqDDH/+XA6VDmabomT3jXmLI9MAK++3qS4CRBGMBlpivJJ94lFso" +
    "7jwAAAHkQT8bMhwoUvQOMKdcD5yZmvfuHCeMn9gXtaeOGkkdMKRI4Qch0NLYeEUF5jozC+/+6QW2r+SxYbyJAAAAI4ZIZxaoFLiB" +
    "jwROuuGJH/EjqrgNsR2y2ZrNEGfSkyASfrQg76Q2tVVGLvD+UpQr+honHdToAAAA4uA6STRQaT1hem7TL/rlWPEhg4u11lcdfYy3" +
    "eEt9ug/uYM2E7xGoKkOfxMOKIrgpJIJ/8Eys3aTKTjgAAAJNNAWc6oG1ycFI0lZMTLRfg4k8h+nQ1B4QzUPF4kyV+yLQis490BIm" +
    "uFuLGTt8FqlldNyXtoAS/GMjVHgqn2YQ2P/dJ1WbjvgkVfxfvlNoeWcla2Wb8jAAAXif8MwegDPQ6hTh5oQ2gCUXPkmntzFGFL/E" +
    "C1cnI1J8ulYSBWAJ8hwmR+P42BYFFRq9K3HvhIiDKaZ3trXLBjWWS24OvjMAT5Edm6sjmXuC3oo0R7fdL8yG33/drEfyFiQ2mlIF" +
    "5iflp205SvvsYAWTHzMvbiSnQXmPUZebMdu9SLtv9ldxLxRAmYc4/tK8Uokfumr8anb9hoyM2anRBVUc3XcVjDhCgmulwFaPCU9U" +
    "upAP11xxUO4j0nHXgVFwj0e2NrOZUyGu3ibNPZHchpNozXBARHrgJqDRIXrzeKAMLYQJnA0k7y1Djj8jDe8hOBPhZRssNVGnNKsL" +
    "tWogrz3mA+rZrYP0ouJChWn+n10l7mMF9gQRXfeglyb5XAv5HUkdoFVjprft0F8C8zOWmUWIDOp4hqIASsVPVGMvTV1XPC5pPFsw" +
    "GJzDhlM5bfQlDQdE1xFrJJHQnOH8bCwAAA==",
);

/** 64 x 64 JPEG (JFIF). */
export const JPEG_64 = fromBase64(
  "/9j/4AAQSkZJRgABAQAAAQABAAD/4gHYSUNDX1BST0ZJTEUAAQEAAAHIAAAAAAQwAABtbnRyUkdCIFhZWiAH4AABAAEAAAAAAABh" +
    "Y3NwAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAQAA9tYAAQAAAADTLQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA" +
    "AAAAAAAAAAAAAAAAAAAAAAAAAAlkZXNjAAAA8AAAACRyWFlaAAABFAAAABRnWFlaAAABKAAAABRiWFlaAAABPAAAABR3dHB0AAAB" +
    "UAAAABRyVFJDAAABZAAAAChnVFJDAAABZAAAAChiVFJDAAABZAAAAChjcHJ0AAABjAAAADxtbHVjAAAAAAAAAAEAAAAMZW5VUwAA" +
    "AAgAAAAcAHMAUgBHAEJYWVogAAAAAAAAb6IAADj1AAADkFhZWiAAAAAAAABimQAAt4UAABjaWFlaIAAAAAAAACSgAAAPhAAAts9Y" +
    "WVogAAAAAAAA9tYAAQAAAADTLXBhcmEAAAAAAAQAAAACZmYAAPKnAAANWQAAE9AAAApbAAAAAAAAAABtbHVjAAAAAAAAAAEAAAAM" +
    "ZW5VUwAAACAAAAAcAEcAbwBvAGcAbABlACAASQBuAGMALgAgADIAMAAxADb/2wBDAAYEBQYFBAYGBQYHBwYIChAKCgkJChQODwwQ" +
    "FxQYGBcUFhYaHSUfGhsjHBYWICwgIyYnKSopGR8tMC0oMCUoKSj/2wBDAQcHBwoIChMKChMoGhYaKCgoKCgoKCgoKCgoKCgoKCgo" +
    "KCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCgoKCj/wAARCABAAEADASIAAhEBAxEB/8QAGwABAQACAwEAAAAAAAAAAAAAAgAF" +
    "BwQGCAH/xAAnEAABAwMCBgMBAQAAAAAAAAABAAIDBAURBoESIjFBUXEHMlIh8P/EABgBAQEBAQEAAAAAAAAAAAAAAAQFAwYC/8QA" +
    "GhEBAQEBAQEBAAAAAAAAAAAAAwACARFhEv/aAAwDAQACEQMRAD8A60AkAoBMBdsiUUzoBIBQCQCAiTTOgEwFAJAICJNM6ASAUAmA" +
    "gokwzuCAkAoBIBXUSjGd3z400E/U8jqyuc+G1RO4SW/x0zvy3wPJ29b3tFitdngbFbaGnp2gYy1g4j7d1O5Vpu2x2iw0FBC0NbBC" +
    "1pwOrscx3OTuskufd9Lr5Lznyx13sdrvEBiuVDBUNIxlzBxD07qNitGfI+hH6ZkbV0TnzWuV3CC77RO7Nd5Hg/4+hFjtRW6O7WOu" +
    "oZmhzZ4nNGezscp2ODssub7y1xr89vKoCQCgEwFgiVYzuAAmAoBIBXUSjGd6v05cY7vYqGvicHNnia447OxzDY5GyyK8+fG+u36Z" +
    "c6jrmvmtcjuLDftC7uR5B7jf3vK0Xy2XeBsttrYJ2kZw144h7b1G6k755296x3NkVj9RXGO02OurpXACCJzhk9XY5RucDdfLte7Z" +
    "aIHS3GtggaB0c7mPpvU7LSXyJrh+pZG0lE18NsjdxYd9pXfo+B4G/rLe+Z5aAGl18ujgJAKASAU9Er5ncEBIBQCYCuolFM6ASAUA" +
    "mAgIk0zoBIBQCQCCiTTOgEgFAJgICJMM7//Z",
);

/** 32 x 32 PNG. */
export const PNG_32 = fromBase64(
  "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAYAAABzenr0AAAEyElEQVR4AaRVXWhcRRQ+d6agoA/WWLPFFEk1D0KxiASSYBqoDxsR" +
    "aS0tglERrYMVLEhq/KMQhKqNjYgi/mALUitCg7a1aIMaNDEEIS95KlI1YKjG2uqLBWP3zumZMzN37t/uJnTh7rnn7/u+c+6dXdGp" +
    "fsQuNYM9ahp71RT2qe9ws5rAu9XXWFXj2K++xHvVSbxPHcet6hhuU2O4Qx3FB9Sn+KD6BAfUYXxEfYSPqkP4uDqIT6j38Un1Hj6l" +
    "3sGn1du4W72Jz6g3cFC9jkNqBJ9Xr+BLah/uVS/jsBpGIUGDoMvamO8FxCApJjIWKWfi1pqebN7gmPzKrGgEEkgMaa0gKpv35Jrr" +
    "oox47cQbqzmf8Eow4DEVaLpiToZmzb5gsGKdjeukL++X49h6L16EIkueBynzfbN04iU/Ls1iDV6zvK13fGnHNAffTiwdSQDVdScW" +
    "vKnmec8TGeHlTZ48CxZEpPM6mVwawIKIRvkY+BR4RYYgD2JiogAaM2k+3ghH1hHX8BT4piAC4Zb2Fnj4obtgcM8WGBl9DF4d3Qm7" +
    "92yHHQObob29kno8jSbXVKftEJ5EumftbSDVVBzDVasi2L7tTnhuaAv09t4Gt3ashWuuvZqv9R03QfemjbBraADuub8PVkm04G5z" +
    "Uc4abOk24jaARFL/nN/cthqG926F/upGEHRuoM7H5Db198CuF3fC2rY1GRHCiShY6ZRItwGR+HZySX5XZztUKtfVoS2GW9taYUPn" +
    "Bhoq/65oEmWGDXEhSpQFEQgd62+AavX2IkuTSHe1FyokpAxf0lDC88oGkwsq6unugCiKmtAV01EUwR19XTSxpk1osnZyP1xiDYl0" +
    "inxQOlGS4uvWtRTRlxlpqawh8rBugydoKEm4gizz8Rc50gXztrWyepl0xbLrKzcmk6dx/akQxMvvQBBh1yRZjFmbhtqlWhF5BREB" +
    "9nSlSSXjx1ZccHTpus4unFsBXbb0/MICYaaHMqRZHt6ATD1zsw1JCr3i369AwN8sIJAabEFrl2k+SWSCg1llkuJGxOz0HMS1ODva" +
    "MrxLS0vw0w+TtGYNBsfgiQwP0nZi+mFLgjopTiv959x5+PaLyWVQZktmjx+Di3/9ySSShhHMY0ll4mvgf0PBSXLq2OnxaVj8bTHL" +
    "0MC7QKs/PfFNjrwcn94BnUwu08oSMRoExnBw/wcwc2oSUOu61CY3N34KTr62DyKskQDqZRyk+5h5zHYNj3ks5j6zARM0SZOw1jfF" +
    "ALX/4fvPv4IjI+/C3OQMnD3zK/z370W+/jjzM5yemoITI/th9rMx0LUlRxb6pXvxDLZgUZpF0X9bTDfWka5I8iY0gwRRMfuL8/Mw" +
    "ceQojB14Cz4cfAEODT4LJw6MwtTHh+HC/C+EZesEk6QnD/EggvKSyUKyzPcivDUAvk5kRDfGESxKZ0TSO5Bv0jxpWbFsIlYkeZos" +
    "IbN4Rnxp3oLaIpE0xaRS0xXnxGjy0+A2b8BlQq5dn60LpD6etakNaALXdX40tANtZrG0LohI5zXzZU6BcBvwE0U0laTLAEj3rM29" +
    "oDpvJeftJgTF5Qp92oBV4klFBiQunUg6kiCiOJnBa5ZnHP7KkOoUqaY1pcFj8nWdx4TcF0g1+43wjcjLAAAA//+7p9r+AAAABklE" +
    "QVQDALGLwe5rn5+AAAAAAElFTkSuQmCC",
);

export const concat = (...parts: Uint8Array[]): Uint8Array<ArrayBuffer> => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

export const ascii = (s: string): Uint8Array<ArrayBuffer> => new Uint8Array(new TextEncoder().encode(s));

/** A copy of a PNG with its header's width and height replaced (CRCs are not checked by anyone here). */
export function pngSized(width: number, height: number): Uint8Array<ArrayBuffer> {
  const out = PNG_32.slice();
  const view = new DataView(out.buffer);
  view.setUint32(16, width);
  view.setUint32(20, height);
  return out;
}

/** A PNG with a chunk of `type` inserted after its header (IHDR ends at byte 33). */
export function pngWithChunk(type: string, data: string): Uint8Array<ArrayBuffer> {
  const body = ascii(data);
  const head = new Uint8Array(8);
  new DataView(head.buffer).setUint32(0, body.length);
  head.set(ascii(type), 4);
  return concat(PNG_32.subarray(0, 33), head, body, new Uint8Array(4), PNG_32.subarray(33));
}

/** A JPEG with a COM (comment) segment right after SOI. */
export function jpegWithComment(text: string): Uint8Array<ArrayBuffer> {
  const body = ascii(text);
  const head = Uint8Array.of(0xff, 0xfe, (body.length + 2) >> 8, (body.length + 2) & 0xff);
  return concat(JPEG_64.subarray(0, 2), head, body, JPEG_64.subarray(2));
}

export const HTML_PAGE = ascii("<!doctype html><html><body><script>alert(document.domain)</script></body></html>");
export const SVG_IMAGE = ascii(
  '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>',
);
