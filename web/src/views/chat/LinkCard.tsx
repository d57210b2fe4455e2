import { useEffect, useRef, useState } from "preact/hooks";
import type { LinkPreview } from "../../../../worker/protocol";
import { getPreview } from "../../api/previews";
import { t } from "../../i18n";

/**
 * The Open Graph card of a message's first link, asked for only once the
 * message is on screen. It sits below the text, so the text never moves when
 * it arrives. Every field is a text node. The page's image is not shown:
 * loaded from its host it would tell whoever posted the link each reader's
 * IP and reading time (docs/security.md "Link previews"); it waits for a
 * proxy through the Worker.
 */
export function LinkCard({ url }: { url: string }) {
  const anchor = useRef<HTMLDivElement>(null);
  const [preview, setPreview] = useState<LinkPreview | null>(null);
  useEffect(() => {
    const el = anchor.current;
    if (!el) return;
    let live = true;
    const seen = new IntersectionObserver((entries) => {
      if (!entries.some((e) => e.isIntersecting)) return;
      seen.disconnect();
      void getPreview(url).then((p) => live && setPreview(p));
    });
    seen.observe(el);
    return () => {
      live = false;
      seen.disconnect();
    };
  }, [url]);
  const title = preview?.title ?? preview?.siteName ?? url;
  return (
    <div ref={anchor} class="link-card-slot">
      {preview && (
        <a
          class="link-card"
          href={url}
          target="_blank"
          rel="noopener noreferrer nofollow ugc"
          aria-label={t("linkPreview", { title })}
        >
          <span class="link-card-text">
            {preview.siteName && (
              <span class="link-card-site" dir="auto">
                {preview.siteName}
              </span>
            )}
            {preview.title && (
              <span class="link-card-title" dir="auto">
                {preview.title}
              </span>
            )}
            {preview.description && (
              <span class="link-card-description" dir="auto">
                {preview.description}
              </span>
            )}
          </span>
        </a>
      )}
    </div>
  );
}
