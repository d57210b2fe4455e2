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

/**
 * Types a browser would run script in, or treat as a document: markup of
 * any kind (an SVG with an XML prolog sniffs as application/xml, XHTML as
 * XML too), script and text. These are never sent under their own name.
 */
const ACTIVE = /(?:^text\/|html|xml|svg|script|xsl)/i;

/** The Content-Type a download goes out with: the sniffed type, unless it could be active. */
export function servedType(detectedType: string | null): string {
  if (detectedType === null || ACTIVE.test(detectedType)) return "application/octet-stream";
  return detectedType;
}

/** RFC 8187 ext-value: percent-encode everything outside attr-char. */
function encodeExtValue(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function contentDisposition(name: string, contentType: string): string {
  const kind = isInlineSafe(contentType) ? "inline" : "attachment";
  return `${kind}; filename*=UTF-8''${encodeExtValue(name)}`;
}
