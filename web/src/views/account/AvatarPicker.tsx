import { useRef, useState } from "preact/hooks";
import type { Me } from "../../../../worker/protocol";
import { removeAvatar, uploadAvatar } from "../../account/api";
import { NotAPicture, squareAvatar } from "../../account/resize";
import { describeError, type ErrorWording } from "../../api/failure";
import { type MessageKey, t } from "../../i18n";
import { Avatar } from "../../ui/Avatar";
import { ErrorMessage } from "../../ui/ErrorMessage";

type State =
  | { kind: "idle" }
  | { kind: "busy"; progress: number | null }
  | { kind: "done"; text: MessageKey }
  | { kind: "failed"; error: unknown };

/** What the server's refusals mean here: a picture it cannot use, or one too large. */
const WORDING: ErrorWording = new Map<string, MessageKey>([
  ["invalid_request", "errNotAPicture"],
  ["too_large", "errPictureTooLarge"],
]);

/** The picture: choose (resized here, then uploaded with progress) or remove. */
export function AvatarPicker({ me }: { me: Me }) {
  const input = useRef<HTMLInputElement>(null);
  const [state, setState] = useState<State>({ kind: "idle" });
  const busy = state.kind === "busy";

  const upload = async (file: File) => {
    setState({ kind: "busy", progress: null });
    try {
      const small = await squareAvatar(file);
      await uploadAvatar(small, (progress) => setState({ kind: "busy", progress })).done;
      setState({ kind: "done", text: "pictureSaved" });
    } catch (error) {
      setState({ kind: "failed", error });
    }
  };
  const remove = async () => {
    setState({ kind: "busy", progress: null });
    try {
      await removeAvatar();
      setState({ kind: "done", text: "pictureRemoved" });
    } catch (error) {
      setState({ kind: "failed", error });
    }
  };

  const error =
    state.kind !== "failed"
      ? null
      : state.error instanceof NotAPicture
        ? t("errNotAPicture")
        : describeError(state.error, WORDING);
  return (
    <div class="avatar-picker">
      <div class="avatar-row">
        <Avatar who={me} size="huge" />
        <div class="avatar-actions">
          <button type="button" disabled={busy} onClick={() => input.current?.click()}>
            {t("choosePicture")}
          </button>
          {me.avatar && (
            <button type="button" class="secondary" disabled={busy} onClick={() => void remove()}>
              {t("removePicture")}
            </button>
          )}
          <input
            ref={input}
            type="file"
            accept="image/*"
            hidden
            tabIndex={-1}
            aria-hidden="true"
            data-testid="avatar-file"
            onChange={(e) => {
              const file = e.currentTarget.files?.[0];
              e.currentTarget.value = "";
              if (file) void upload(file);
            }}
          />
        </div>
      </div>
      <p class="hint muted">{t("pictureHint")}</p>
      {state.kind === "busy" && (
        <p role="status">
          {t("uploadingPicture")}{" "}
          <progress max={1} value={state.progress ?? undefined} aria-label={t("uploadingPicture")} />
        </p>
      )}
      {state.kind === "done" && <p role="status">{t(state.text)}</p>}
      <ErrorMessage text={error} />
    </div>
  );
}
