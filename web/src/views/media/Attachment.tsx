import { useState } from "preact/hooks";
import type { FileRef, MessageKind } from "../../../../worker/protocol";
import { t } from "../../i18n";
import { humanSize } from "../../upload/plan";
import { Lightbox } from "./Lightbox";
import { useSignedUrl } from "./signedUrl";

/**
 * The file of a message: image preview (opens a lightbox), player, or a
 * download card. `via`: for a forwarded file, the conversation it is shown in.
 */
export function Attachment({ file, kind, via }: { file: FileRef; kind: MessageKind; via?: string }) {
  const { url, failed, renew } = useSignedUrl(file.id, via);
  const [open, setOpen] = useState(false);
  if (failed) return <p class="muted">{t("fileUnavailable")}</p>;

  if (kind === "image") {
    return (
      <>
        <button
          type="button"
          class="image-preview"
          aria-label={t("openImage", { name: file.name })}
          disabled={url === null}
          onClick={() => setOpen(true)}
        >
          {url && <img src={url} alt={t("imageAlt", { name: file.name })} loading="lazy" onError={renew} />}
        </button>
        {open && url && <Lightbox src={url} name={file.name} onClose={() => setOpen(false)} />}
      </>
    );
  }
  if (kind === "audio" && url) {
    return (
      // biome-ignore lint/a11y/useMediaCaption: voice messages are recorded by people, without captions
      <audio class="player" controls preload="metadata" src={url} onError={renew} aria-label={t("kindAudio")}>
        <a href={url}>{file.name}</a>
      </audio>
    );
  }
  if (kind === "video" && url) {
    return (
      // biome-ignore lint/a11y/useMediaCaption: people's own recordings come without captions
      <video class="player" controls preload="metadata" src={url} onError={renew} aria-label={file.name} />
    );
  }
  return (
    <p class="file-card">
      <bdi class="file-name" dir="auto">
        {file.name}
      </bdi>{" "}
      <span class="muted">{humanSize(file.size)}</span>{" "}
      {url && (
        <a href={url} download={file.name} aria-label={t("downloadNamed", { name: file.name })}>
          {t("download")}
        </a>
      )}
    </p>
  );
}
