import { useEffect, useRef } from "preact/hooks";
import { Limits } from "../../../../worker/protocol";
import { type Candidate, toDisplay, toWire } from "../../chat/mentions";
import { t } from "../../i18n";
import { AttachButton } from "./AttachButton";
import { EmojiButton } from "./EmojiButton";
import { MentionList } from "./MentionList";
import { useDraft } from "./useDraft";
import { useMentionPicker } from "./useMentionPicker";
import { VoiceButton } from "./VoiceButton";

/** What the next submit does besides sending a new message. */
export type ComposerMode =
  | { kind: "reply"; seq: number; name: string; text: string }
  | { kind: "edit"; seq: number; text: string };

interface Props {
  /** Whose draft this box keeps (the conversation id). */
  draftKey: string;
  /** Whom an `@` may name: the other members this client knows. */
  members: readonly Candidate[];
  /** A member's current name (edits show mentions by it). */
  memberName: (userId: string) => string | undefined;
  disabled: boolean;
  mode: ComposerMode | null;
  onCancelMode: () => void;
  onSend: (text: string) => void;
  onEdit: (seq: number, text: string) => void;
  onTyping: () => void;
  onFiles: (files: File[]) => void;
  onVoice: (blob: Blob) => void;
}

export function Composer(props: Props) {
  const { draftKey, disabled, mode, onCancelMode, onSend, onEdit, onTyping, onFiles, onVoice } = props;
  const editing = mode?.kind === "edit";
  const [text, setText] = useDraft(draftKey, editing);
  const box = useRef<HTMLTextAreaElement>(null);
  const blank = text.trim().length === 0;
  const mention = useMentionPicker({ draftKey, box, members: props.members, setText });

  // Entering a mode puts the cursor in the box; editing starts from the current text, tokens as @Name.
  const modeKey = mode ? `${mode.kind}:${mode.seq}` : "";
  useEffect(() => {
    if (!mode) return;
    if (mode.kind === "edit") {
      const shown = toDisplay(mode.text, props.memberName);
      setText(shown.text);
      mention.setPicked(shown.picked);
    }
    box.current?.focus();
  }, [modeKey]);

  const submit = () => {
    if (blank || disabled) return;
    const wire = toWire(text, mention.picked);
    if (mode?.kind === "edit") onEdit(mode.seq, wire);
    else onSend(wire);
    setText("");
    mention.setPicked([]);
  };

  // Leaving an edit drops the edited text; leaving a reply keeps what was typed.
  const cancelMode = () => {
    if (mode?.kind === "edit") {
      setText("");
      mention.setPicked([]);
    }
    onCancelMode();
  };

  const onKeyDown = (e: KeyboardEvent) => {
    if (mention.onKeyDown(e)) return;
    // Enter sends, Shift+Enter is a newline; never while an IME is composing.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    } else if (e.key === "Escape" && mode) {
      e.preventDefault();
      cancelMode();
    }
  };

  const onPaste = (e: ClipboardEvent) => {
    const files = [...(e.clipboardData?.files ?? [])];
    if (files.length === 0) return;
    e.preventDefault();
    onFiles(files);
  };

  const left = Limits.textMax - text.length;
  return (
    <form
      class="composer"
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      {mode && (
        <p class="composer-mode">
          <span>
            {mode.kind === "reply" ? (
              <>
                {t("replyingTo", { name: mode.name })}: <span class="quote-text">{mode.text}</span>
              </>
            ) : (
              t("editingMessage")
            )}
          </span>
          <button type="button" class="secondary small" onClick={cancelMode}>
            {mode.kind === "reply" ? t("cancelReply") : t("cancelEdit")}
          </button>
        </p>
      )}
      {mention.list && <MentionList list={mention.list} />}
      <p class="visually-hidden" aria-live="polite">
        {mention.list ? t("mentionMatches", { n: mention.list.options.length }) : ""}
      </p>
      <EmojiButton disabled={disabled} onPick={(emoji) => setText((current) => current + emoji)} />
      <label for="composer-text" class="visually-hidden">
        {t("message")}
      </label>
      <textarea
        id="composer-text"
        ref={box}
        rows={1}
        maxLength={Limits.textMax}
        placeholder={t("writeMessage")}
        value={text}
        disabled={disabled}
        onInput={(e) => {
          setText(e.currentTarget.value);
          onTyping();
          mention.track();
        }}
        onKeyDown={onKeyDown}
        onKeyUp={mention.track}
        onClick={mention.track}
        {...mention.boxProps}
        onPaste={onPaste}
        aria-describedby={left < 200 ? "composer-left" : undefined}
      />
      {left < 200 && (
        <span id="composer-left" class="muted">
          {t("charsLeft", { n: left })}
        </span>
      )}
      <AttachButton disabled={disabled} onFiles={onFiles} />
      {/* As in Telegram: the microphone while the box is empty, Send once there is text. */}
      {blank && !editing ? (
        <VoiceButton disabled={disabled} onRecorded={onVoice} />
      ) : (
        <button
          type="submit"
          class="send"
          disabled={disabled || blank}
          aria-label={editing ? t("save") : t("send")}
          title={editing ? t("save") : t("send")}
        >
          <span aria-hidden="true">{editing ? "✓" : "➤"}</span>
        </button>
      )}
    </form>
  );
}
