import { useState } from "preact/hooks";
import type { Message } from "../../../../worker/protocol";
import { searchMessages } from "../../api/conversations";
import { describeError, type ErrorWording } from "../../api/failure";
import { highlight } from "../../chat/highlight";
import { plainText } from "../../chat/mentions";
import { t } from "../../i18n";
import { ErrorMessage } from "../../ui/ErrorMessage";
import { formatTime } from "../../ui/time";

interface Props {
  conversationId: string;
  nameOf: (userId: string) => string;
  /** Current names, for mentions in results (unknown ids show the token's label). */
  memberName: (userId: string) => string | undefined;
  onPick: (seq: number) => void;
}

/** The server refuses a query with no searchable words (emoji, symbols alone) as `invalid_request`. */
const SEARCH_WORDING: ErrorWording = new Map([["invalid_request", "errSearchUnsearchable"]]);

/** Full-text search in this conversation; matched words are <mark> elements around text nodes. */
export function SearchPanel({ conversationId, nameOf, memberName, onPick }: Props) {
  const [query, setQuery] = useState("");
  const [results, setResults] = useState<{ q: string; messages: Message[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    const q = query.trim();
    if (!q) return;
    setBusy(true);
    setError(null);
    try {
      const page = await searchMessages(conversationId, q);
      // A hit this build cannot read has no text to show: it is left out (the chat shows its placeholder).
      const readable = page.messages.filter((m): m is Message => !("unsupported" in m));
      setResults({ q, messages: readable });
    } catch (err) {
      // Results of the previous query beside an error would read as the answer to this one.
      setResults(null);
      setError(describeError(err, SEARCH_WORDING));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="search-panel" aria-label={t("searchMessages")}>
      {/* biome-ignore lint/a11y/useSemanticElements: <search> is too new for some browsers this app supports */}
      <form
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          void run();
        }}
      >
        <label for="message-search" class="visually-hidden">
          {t("searchMessages")}
        </label>
        <input
          id="message-search"
          type="search"
          value={query}
          placeholder={t("searchMessages")}
          onInput={(e) => setQuery(e.currentTarget.value)}
        />
        <button type="submit" disabled={busy || query.trim() === ""}>
          {t("search")}
        </button>
      </form>
      <ErrorMessage text={error} />
      {results && results.messages.length === 0 && <p class="muted">{t("noMatches")}</p>}
      {results && results.messages.length > 0 && (
        <ul class="search-results" aria-label={t("messageSearchResults")}>
          {results.messages.map((m) => (
            <li key={m.seq}>
              <button type="button" class="search-result" onClick={() => onPick(m.seq)}>
                <span class="muted">
                  {t("resultFrom", { name: nameOf(m.senderId), time: formatTime(m.createdAt) })}
                </span>
                <span class="result-text" dir="auto">
                  {highlight(plainText(m.text ?? "", memberName), results.q).map((p, i) =>
                    p.match ? <mark key={i}>{p.text}</mark> : <span key={i}>{p.text}</span>,
                  )}
                </span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
