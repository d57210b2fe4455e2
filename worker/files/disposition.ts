// Which downloads a browser may render in place, and the headers that say so.

const INLINE_IMAGES = new Set(["image/png", "image/jpeg", "image/gif", "image/webp"]);

/**
 * Only media that cannot run script render inline. SVG and HTML can, so
 * they are always attachments whatever anyone claims about them.
 */
export function isInlineSafe(contentType: string): boolean {
  const type = contentType.split(";")[0]?.trim().toLowerCase() ?? "";
  return INLINE_IMAGES.has(type) || /^(audio|video)\/[a-z0-9.+-]+$/.test(type);
}

/** RFC 8187 ext-value: percent-encode everything outside attr-char. */
function encodeExtValue(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function contentDisposition(name: string, contentType: string): string {
  const kind = isInlineSafe(contentType) ? "inline" : "attachment";
  return `${kind}; filename*=UTF-8''${encodeExtValue(name)}`;
}
