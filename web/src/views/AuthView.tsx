import { useState } from "preact/hooks";
import type { User } from "../../../worker/protocol";
import { Limits } from "../../../worker/protocol";
import { login, register } from "../api/auth";
import { ApiFailure, describeError } from "../api/failure";
import { t } from "../i18n";
import { ErrorMessage } from "../ui/ErrorMessage";

type Mode = "login" | "register";

export function AuthView({ onSignedIn }: { onSignedIn: (user: User) => void }) {
  const [mode, setMode] = useState<Mode>("login");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [displayName, setDisplayName] = useState("");
  const [otp, setOtp] = useState("");
  const [needOtp, setNeedOtp] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: Event) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const creds = { username: username.trim().toLowerCase(), password, otp, displayName: displayName.trim() };
      onSignedIn(mode === "login" ? await login(creds) : await register(creds));
    } catch (err) {
      if (err instanceof ApiFailure && err.code === "otp_required") {
        setNeedOtp(true);
        setError(t("enterOtp"));
      } else {
        setError(describeError(err));
      }
    } finally {
      setBusy(false);
    }
  };

  const switchMode = () => {
    setMode(mode === "login" ? "register" : "login");
    setError(null);
    setNeedOtp(false);
  };

  const title = mode === "login" ? t("signIn") : t("createAccount");
  return (
    <main class="auth">
      <h1>{t("appName")}</h1>
      <form onSubmit={submit} aria-labelledby="auth-title">
        <h2 id="auth-title">{title}</h2>
        <label>
          {t("username")}
          <input
            name="username"
            autocomplete="username"
            required
            minLength={Limits.usernameMin}
            maxLength={Limits.usernameMax}
            value={username}
            onInput={(e) => setUsername(e.currentTarget.value)}
          />
        </label>
        <label>
          {t("password")}
          <input
            name="password"
            type="password"
            autocomplete={mode === "login" ? "current-password" : "new-password"}
            required
            minLength={Limits.passwordMin}
            maxLength={Limits.passwordMax}
            value={password}
            onInput={(e) => setPassword(e.currentTarget.value)}
          />
        </label>
        {mode === "register" && (
          <label>
            {t("displayNameOptional")}
            <input
              name="displayName"
              maxLength={Limits.displayNameMax}
              value={displayName}
              onInput={(e) => setDisplayName(e.currentTarget.value)}
            />
          </label>
        )}
        {mode === "login" && needOtp && (
          <label>
            {t("oneTimeCode")}
            <input
              name="otp"
              inputMode="numeric"
              autocomplete="one-time-code"
              pattern="[0-9]{6}"
              required
              value={otp}
              onInput={(e) => setOtp(e.currentTarget.value)}
            />
          </label>
        )}
        <ErrorMessage text={error} />
        <button type="submit" disabled={busy}>
          {title}
        </button>
      </form>
      <p>
        {mode === "login" ? t("newHere") : t("haveAccount")}
        <button type="button" class="link" onClick={switchMode}>
          {mode === "login" ? t("createAnAccount") : t("signInInstead")}
        </button>
      </p>
    </main>
  );
}
