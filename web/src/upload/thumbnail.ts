/** A small preview of an image as a blob: URL (CSP allows `img-src blob:`), or undefined. */
export async function thumbnailUrl(blob: Blob, max = 240): Promise<string | undefined> {
  if (!blob.type.startsWith("image/") || typeof createImageBitmap !== "function") return undefined;
  try {
    const bitmap = await createImageBitmap(blob);
    const scale = Math.min(1, max / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.max(1, Math.round(bitmap.width * scale));
    canvas.height = Math.max(1, Math.round(bitmap.height * scale));
    canvas.getContext("2d")?.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    bitmap.close();
    const small = await new Promise<Blob | null>((resolve) => canvas.toBlob(resolve, "image/webp", 0.8));
    return small ? URL.createObjectURL(small) : undefined;
  } catch {
    return undefined; // not an image the browser can decode: no preview
  }
}
