import { type MessageKey, t } from "../../i18n";
import { useStore } from "../../ui/store";
import {
  cancelUpload,
  pauseUpload,
  resumeUpload,
  type UploadState,
  type UploadView,
  uploads,
} from "../../upload/manager";
import { humanSize } from "../../upload/plan";

const STATE: Record<Exclude<UploadState, "failed">, MessageKey> = {
  preparing: "uploadPreparing",
  uploading: "uploadUploading",
  paused: "uploadPaused",
  waiting: "uploadWaiting",
  sending: "uploadSending",
};

/** This conversation's uploads in flight: thumbnail, progress, pause/resume, cancel. */
export function UploadList({ conversationId }: { conversationId: string }) {
  const list = useStore(uploads).filter((u) => u.conversationId === conversationId);
  if (list.length === 0) return null;
  return (
    <ul class="uploads" aria-label={t("uploads")}>
      {list.map((u) => (
        <UploadRow key={u.key} u={u} />
      ))}
    </ul>
  );
}

function UploadRow({ u }: { u: UploadView }) {
  const status = u.state === "failed" ? t("uploadFailed", { reason: u.error ?? "" }) : t(STATE[u.state]);
  const { created } = u;
  return (
    <li class={`upload ${u.state}`}>
      {u.thumb ? <img class="thumb" src={u.thumb} alt="" /> : <span class="thumb" aria-hidden="true" />}
      <span class="upload-body">
        <span class="file-name">{u.name}</span>
        <progress value={u.loaded} max={Math.max(1, u.size)} aria-label={u.name} />
        <span class="muted upload-status" data-state={u.state}>
          {status} · {t("uploadProgress", { done: humanSize(u.loaded), total: humanSize(u.size) })}
        </span>
      </span>
      {created && (u.state === "uploading" || u.state === "waiting") && (
        <button type="button" class="secondary small" onClick={() => pauseUpload(u.key)}>
          <span aria-hidden="true">{t("pause")}</span>
          <span class="visually-hidden">{t("pauseUpload", { name: u.name })}</span>
        </button>
      )}
      {created && (u.state === "paused" || u.state === "failed") && (
        <button type="button" class="secondary small" onClick={() => resumeUpload(u.key)}>
          <span aria-hidden="true">{u.state === "failed" ? t("retry") : t("resume")}</span>
          <span class="visually-hidden">{t("resumeUpload", { name: u.name })}</span>
        </button>
      )}
      {u.state !== "sending" && (
        <button type="button" class="secondary small" onClick={() => cancelUpload(u.key)}>
          <span aria-hidden="true">{t("cancel")}</span>
          <span class="visually-hidden">{t("cancelUpload", { name: u.name })}</span>
        </button>
      )}
    </li>
  );
}
