// The picture a person picks becomes a small square before it is sent: the
// middle of it, at most 256 px a side, re-encoded by the browser (WebP, or
// JPEG where the browser cannot write WebP). Re-encoding also drops whatever
// rode along in the file (a phone photo's position, text blocks), which the
// server would refuse.
import { AvatarLimits } from "../../../worker/protocol";

export interface SquareCrop {
  /** Where the square starts in the source, and its side. */
  sx: number;
  sy: number;
  side: number;
  /** The side of the result: never larger than the source square. */
  out: number;
}

/** The centred square of a `width` x `height` picture, scaled to at most `max`. */
export function squareCrop(width: number, height: number, max: number = AvatarLimits.clientSide): SquareCrop {
  const side = Math.max(1, Math.min(width, height));
  return {
    sx: Math.floor((width - side) / 2),
    sy: Math.floor((height - side) / 2),
    side,
    out: Math.max(1, Math.min(max, side)),
  };
}

/** Thrown when the file is not a picture this browser can open. */
export class NotAPicture extends Error {}

const toBlob = (canvas: HTMLCanvasElement, type: string, quality: number) =>
  new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, type, quality));

/** The avatar to upload, or NotAPicture; lower qualities are tried until it fits the server's cap. */
export async function squareAvatar(file: Blob): Promise<Blob> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(file);
  } catch {
    throw new NotAPicture("not a picture");
  }
  const crop = squareCrop(bitmap.width, bitmap.height);
  const canvas = document.createElement("canvas");
  canvas.width = crop.out;
  canvas.height = crop.out;
  const g = canvas.getContext("2d");
  if (!g) throw new NotAPicture("no canvas");
  // Transparent corners would turn black in a JPEG: white under everything.
  g.fillStyle = "#ffffff";
  g.fillRect(0, 0, crop.out, crop.out);
  g.drawImage(bitmap, crop.sx, crop.sy, crop.side, crop.side, 0, 0, crop.out, crop.out);
  bitmap.close();
  for (const quality of [0.85, 0.7, 0.5]) {
    const webp = await toBlob(canvas, "image/webp", quality);
    // A browser that cannot write WebP answers PNG instead.
    const blob = webp?.type === "image/webp" ? webp : await toBlob(canvas, "image/jpeg", quality);
    if (blob && blob.size <= AvatarLimits.maxBytes) return blob;
  }
  throw new NotAPicture("cannot make it small enough");
}
