import { useState } from "preact/hooks";
import { Limits, type Me } from "../../../../worker/protocol";
import { disableTotp, enableTotp, setupTotp, type TotpSetup } from "../../account/api";
import { describeError, type ErrorWording } from "../../api/failure";
import { RuleField } from "../../forms/RuleField";
import { fieldOk } from "../../forms/rules";
import { type MessageKey, t } from "../../i18n";
import { ErrorMessage } from "../../ui/ErrorMessage";
import { QrCode } from "./QrCode";

/** On enabling, a `conflict` means another setup replaced this one meanwhile. */
const ENABLE_WORDING: ErrorWording = new Map<string, MessageKey>([
  ["invalid_credentials", "errWrongPassword"],
  ["conflict", "errTwoFactorChanged"],
]);
const DISABLE_WORDING: ErrorWording = new Map<string, MessageKey>([["invalid_credentials", "errWrongPassword"]]);

/** "JBSWY3DPEHPK3PXP" as "JBSW Y3DP EHPK 3PXP": easier to type into an app by hand. */
const grouped = (secret: string) => secret.replace(/(.{4})(?=.)/g, "$1 ");

/** Two-step sign-in (TOTP): set up with a QR code and a code from the app; off with the password and a code. */
export function TotpSection({ me }: { me: Me }) {
  const [setup, setSetup] = useState<TotpSetup | null>(null);
  const [password, setPassword] = useState("");
  const [otp, setOtp] = useState("");
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<MessageKey | null>(null);
  const [error, setError] = useState<{ err: unknown; wording?: ErrorWording } | null>(null);

  const run = async (work: () => Promise<void>, wording?: ErrorWording) => {
    setBusy(true);
    setError(null);
    setDone(null);
    try {
      await work();
    } catch (err) {
      setError(wording ? { err, wording } : { err });
    } finally {
      setBusy(false);
    }
  };
  const start = () =>
    run(async () => {
      setSetup(await setupTotp());
      setPassword("");
      setOtp("");
    });
  const confirm = (e: Event, enable: boolean) => {
    e.preventDefault();
    if (password === "" || !fieldOk("otp", otp)) {
      setError({ err: "fix" });
      return;
    }
    void run(
      async () => {
        await (enable ? enableTotp(password, otp) : disableTotp(password, otp));
        setSetup(null);
        setPassword("");
        setOtp("");
        setDone(enable ? "twoFactorEnabled" : "twoFactorDisabled");
      },
      enable ? ENABLE_WORDING : DISABLE_WORDING,
    );
  };

  const errorText =
    error === null ? null : error.err === "fix" ? t("fixFields") : describeError(error.err, error.wording);
  const fields = (
    <>
      <label>
        {t("password")}
        <input
          type="password"
          name="totp-password"
          autocomplete="current-password"
          maxLength={Limits.passwordMax}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
      </label>
      <RuleField
        name="otp"
        id="totp-otp"
        label={t("oneTimeCode")}
        value={otp}
        checked
        inputMode="numeric"
        autocomplete="one-time-code"
        maxLength={6}
        onInput={setOtp}
      />
    </>
  );
  return (
    <section class="account-section" aria-labelledby="totp-title">
      <h2 id="totp-title">{t("twoFactor")}</h2>
      <p>{me.totpEnabled ? t("twoFactorOn") : t("twoFactorOff")}</p>
      {done && <p role="status">{t(done)}</p>}
      {!me.totpEnabled && !setup && (
        <button type="button" disabled={busy} onClick={() => void start()}>
          {t("turnOnTwoFactor")}
        </button>
      )}
      {!me.totpEnabled && setup && (
        <form onSubmit={(e) => confirm(e, true)} aria-labelledby="totp-title" noValidate>
          <p>{t("scanQr")}</p>
          <QrCode text={setup.otpauthUrl} />
          <p>
            {t("setupKey")}:{" "}
            <code class="totp-secret" data-testid="totp-secret">
              {grouped(setup.secret)}
            </code>
          </p>
          {setup.otpauthUrl.startsWith("otpauth://") && (
            <p>
              <a href={setup.otpauthUrl}>{t("openInAuthenticator")}</a>
            </p>
          )}
          <p>{t("confirmWithCode")}</p>
          {fields}
          <p class="hint muted">{t("noRecoveryCodes")}</p>
          <button type="submit" disabled={busy}>
            {t("turnOnTwoFactor")}
          </button>{" "}
          <button type="button" class="secondary" disabled={busy} onClick={() => setSetup(null)}>
            {t("cancel")}
          </button>
        </form>
      )}
      {me.totpEnabled && (
        <form onSubmit={(e) => confirm(e, false)} aria-labelledby="totp-title" noValidate>
          <p class="hint muted">{t("turnOffHint")}</p>
          {fields}
          <button type="submit" disabled={busy}>
            {t("turnOffTwoFactor")}
          </button>
        </form>
      )}
      <ErrorMessage text={errorText} />
    </section>
  );
}
