import { useState } from "preact/hooks";
import { Limits, type Me } from "../../../../worker/protocol";
import { changePassword } from "../../account/api";
import { ApiFailure, describeError, type ErrorWording } from "../../api/failure";
import { RuleField } from "../../forms/RuleField";
import { fieldOk } from "../../forms/rules";
import { passwordStrength, type Strength } from "../../forms/strength";
import { type MessageKey, t } from "../../i18n";
import { ErrorMessage } from "../../ui/ErrorMessage";

/** Only the current password can be wrong here (the user is signed in). */
const WORDING: ErrorWording = new Map<string, MessageKey>([["invalid_credentials", "errWrongPassword"]]);

const STRENGTH: Record<Strength, MessageKey> = {
  weak: "strengthWeak",
  fair: "strengthFair",
  strong: "strengthStrong",
};

export function PasswordSection({ me }: { me: Me }) {
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [again, setAgain] = useState("");
  const [otp, setOtp] = useState("");
  const [askOtp, setAskOtp] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const needOtp = me.totpEnabled || askOtp;

  const submit = async (e: Event) => {
    e.preventDefault();
    setDone(false);
    if (current === "" || !fieldOk("newPassword", next) || (needOtp && !fieldOk("otp", otp))) {
      setError("fix");
      return;
    }
    if (next !== again) {
      setError("differ");
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await changePassword({ currentPassword: current, newPassword: next, ...(needOtp ? { otp } : {}) });
      setCurrent("");
      setNext("");
      setAgain("");
      setOtp("");
      setDone(true);
    } catch (err) {
      if (err instanceof ApiFailure && err.code === "otp_required") setAskOtp(true);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const errorText =
    error === null
      ? null
      : error === "fix"
        ? t("fixFields")
        : error === "differ"
          ? t("passwordsDiffer")
          : describeError(error, WORDING);
  return (
    <section class="account-section" aria-labelledby="password-title">
      <h2 id="password-title">{t("changePassword")}</h2>
      <form onSubmit={submit} aria-labelledby="password-title" noValidate>
        <label>
          {t("currentPassword")}
          <input
            type="password"
            name="current-password"
            autocomplete="current-password"
            maxLength={Limits.passwordMax}
            value={current}
            onInput={(e) => setCurrent(e.currentTarget.value)}
          />
        </label>
        <RuleField
          name="newPassword"
          id="next-password"
          label={t("newPassword")}
          type="password"
          value={next}
          checked
          autocomplete="new-password"
          maxLength={Limits.passwordMax}
          onInput={setNext}
        >
          {next === "" ? "" : t(STRENGTH[passwordStrength(next)])}
        </RuleField>
        <label>
          {t("confirmPassword")}
          <input
            type="password"
            name="confirm-password"
            autocomplete="new-password"
            maxLength={Limits.passwordMax}
            value={again}
            aria-invalid={again !== "" && again !== next ? "true" : "false"}
            onInput={(e) => setAgain(e.currentTarget.value)}
          />
        </label>
        {needOtp && (
          <RuleField
            name="otp"
            id="password-otp"
            label={t("oneTimeCode")}
            value={otp}
            checked
            inputMode="numeric"
            autocomplete="one-time-code"
            maxLength={6}
            onInput={setOtp}
          />
        )}
        <button type="submit" disabled={busy}>
          {t("changePassword")}
        </button>
        {done && <p role="status">{t("passwordChanged")}</p>}
        <ErrorMessage text={errorText} />
      </form>
    </section>
  );
}
