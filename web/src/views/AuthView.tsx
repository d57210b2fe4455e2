import { useState } from "preact/hooks";
import type { User } from "../../../worker/protocol";
import { Limits } from "../../../worker/protocol";
import { login, register } from "../api/auth";
import { ApiFailure, describeError, type ErrorWording } from "../api/failure";
import { RuleField } from "../forms/RuleField";
import { type Field, fieldOk } from "../forms/rules";
import { t, useLang } from "../i18n";
import { ErrorMessage } from "../ui/ErrorMessage";
import { LanguageSelect } from "../ui/LanguageSelect";

type Mode = "login" | "register";

/** On this form a `conflict` can only mean one thing. */
const REGISTER_WORDING: ErrorWording = new Map([["conflict", "errUsernameTaken"]]);

export function AuthView({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  useLang();
  const [mode, setMode] = useState<Mode>("login");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [otp, setOtp] = useState("");
  const [needOtp, setNeedOtp] = useState(false);
  // The failure itself, so its words follow a language switch.
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const registering = mode === "register";

  // What each mode checks before sending: the server's own rules (a login password is only bounded above).
  const fields: [Field, string][] = [
    ["username", username],
    ...(registering ? ([["newPassword", password]] as [Field, string][]) : []),
    ...(registering && displayName.trim() !== "" ? ([["displayName", displayName]] as [Field, string][]) : []),
    ...(!registering && needOtp ? ([["otp", otp]] as [Field, string][]) : []),
  ];
  const broken = fields.filter(([f, v]) => !fieldOk(f, v));

  const submit = async (e: Event) => {
    e.preventDefault();
    if (broken.length > 0 || password === "") {
      setError("fix");
      const first = broken[0]?.[0] ?? "newPassword";
      document.querySelector<HTMLInputElement>(`[aria-describedby="${first}-hint"]`)?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const creds = { username: username.trim().toLowerCase(), password, otp, displayName: displayName.trim() };
      onSignedIn(registering ? await register(creds) : await login(creds));
    } catch (err) {
      if (err instanceof ApiFailure && err.code === "otp_required") setNeedOtp(true);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const switchMode = () => {
    setMode(registering ? "login" : "register");
    setError(null);
    setNeedOtp(false);
  };

  const title = registering ? t("createAccount") : t("signIn");
  const errorText =
    error === null
      ? null
      : error === "fix"
        ? t("fixFields")
        : describeError(error, registering ? REGISTER_WORDING : undefined);
  return (
    <main class="auth">
      <h1>{t("appName")}</h1>
      <form onSubmit={submit} aria-labelledby="auth-title" noValidate>
        <h2 id="auth-title">{title}</h2>
        <RuleField
          name="username"
          label={t("username")}
          value={username}
          checked
          autocomplete="username"
          maxLength={Limits.usernameMax}
          onInput={setUsername}
        />
        {registering ? (
          <RuleField
            name="newPassword"
            label={t("password")}
            type="password"
            value={password}
            checked
            autocomplete="new-password"
            maxLength={Limits.passwordMax}
            onInput={setPassword}
          />
        ) : (
          <label>
            {t("password")}
            <input
              name="password"
              type="password"
              autocomplete="current-password"
              required
              maxLength={Limits.passwordMax}
              value={password}
              onInput={(e) => setPassword(e.currentTarget.value)}
            />
          </label>
        )}
        {registering && (
          <RuleField
            name="displayName"
            label={t("displayNameOptional")}
            value={displayName}
            checked
            autocomplete="nickname"
            maxLength={Limits.displayNameMax}
            onInput={setDisplayName}
          />
        )}
        {!registering && needOtp && (
          <RuleField
            name="otp"
            label={t("oneTimeCode")}
            value={otp}
            checked
            inputMode="numeric"
            autocomplete="one-time-code"
            onInput={setOtp}
          />
        )}
        <ErrorMessage text={errorText} />
        <button type="submit" disabled={busy}>
          {title}
        </button>
      </form>
      <p>
        {registering ? t("haveAccount") : t("newHere")}
        <button type="button" class="link" onClick={switchMode}>
          {registering ? t("signInInstead") : t("createAnAccount")}
        </button>
      </p>
      {/* Before signing in too: someone who cannot read this page must be able to change its language. */}
      <LanguageSelect class="auth-lang" />
    </main>
  );
}
