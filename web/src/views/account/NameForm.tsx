import { useState } from "preact/hooks";
import { Limits, type Me } from "../../../../worker/protocol";
import { renameMe } from "../../account/api";
import { describeError } from "../../api/failure";
import { RuleField } from "../../forms/RuleField";
import { fieldOk } from "../../forms/rules";
import { t } from "../../i18n";
import { ErrorMessage } from "../../ui/ErrorMessage";

/** The display name: trimmed, 1-64 characters, no control characters (the server's rule, checked as typed). */
export function NameForm({ me }: { me: Me }) {
  const [name, setName] = useState(me.displayName);
  const [busy, setBusy] = useState(false);
  const [saved, setSaved] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const changed = name.trim() !== me.displayName;

  const submit = async (e: Event) => {
    e.preventDefault();
    if (!fieldOk("displayName", name)) return;
    setBusy(true);
    setError(null);
    setSaved(false);
    try {
      const next = await renameMe(name.trim());
      setName(next.displayName);
      setSaved(true);
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  return (
    <form onSubmit={submit} aria-label={t("displayName")} noValidate>
      <RuleField
        name="displayName"
        label={t("displayName")}
        value={name}
        checked
        autocomplete="nickname"
        maxLength={Limits.displayNameMax}
        onInput={(v) => {
          setName(v);
          setSaved(false);
        }}
      />
      <button type="submit" disabled={busy || !changed || !fieldOk("displayName", name)}>
        {t("save")}
      </button>
      {saved && <p role="status">{t("nameSaved")}</p>}
      <ErrorMessage text={error === null ? null : describeError(error)} />
    </form>
  );
}
