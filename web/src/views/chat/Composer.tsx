import { useState } from "preact/hooks";
import { Limits } from "../../../../worker/protocol";
import { t } from "../../i18n";
import { EmojiButton } from "./EmojiButton";

interface Props {
  disabled: boolean;
  onSend: (text: string) => void;
  onTyping: () => void;
}

export function Composer({ disabled, onSend, onTyping }: Props) {
  const [text, setText] = useState("");
  const blank = text.trim().length === 0;

  const submit = () => {
    if (blank || disabled) return;
    onSend(text);
    setText("");
  };

  const onKeyDown = (e: KeyboardEvent) => {
    // Enter sends, Shift+Enter is a newline; never while an IME is composing.
    if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
      e.preventDefault();
      submit();
    }
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
      <label for="composer-text" class="visually-hidden">
        {t("message")}
      </label>
      <textarea
        id="composer-text"
        rows={2}
        maxLength={Limits.textMax}
        placeholder={t("writeMessage")}
        value={text}
        disabled={disabled}
        onInput={(e) => {
          setText(e.currentTarget.value);
          onTyping();
        }}
        onKeyDown={onKeyDown}
        aria-describedby={left < 200 ? "composer-left" : undefined}
      />
      {left < 200 && (
        <span id="composer-left" class="muted">
          {t("charsLeft", { n: left })}
        </span>
      )}
      <EmojiButton disabled={disabled} onPick={(emoji) => setText((current) => current + emoji)} />
      <button type="submit" disabled={disabled || blank}>
        {t("send")}
      </button>
    </form>
  );
}
