import { useEffect } from "preact/hooks";
import { currentMe, loadMe } from "../api/auth";
import { t } from "../i18n";
import { Link } from "../ui/Link";
import { useStore } from "../ui/store";
import { AvatarPicker } from "./account/AvatarPicker";
import { NameForm } from "./account/NameForm";
import { PasswordSection } from "./account/PasswordSection";
import { TotpSection } from "./account/TotpSection";

/** Profile and account (from Settings): picture, name, password, two-step sign-in. */
export function AccountView() {
  const me = useStore(currentMe);
  // Fresh from the server: two-step sign-in may have changed on another device.
  useEffect(() => {
    void loadMe().catch(() => undefined);
  }, []);
  return (
    <main class="settings account">
      <p>
        <Link href="/settings">{t("backToSettings")}</Link>
      </p>
      <h1>{t("account")}</h1>
      {me === null ? (
        <p class="muted">{t("loading")}</p>
      ) : (
        <>
          <section class="account-section" aria-labelledby="profile-title">
            <h2 id="profile-title">{t("profile")}</h2>
            <AvatarPicker me={me} />
            <NameForm me={me} />
          </section>
          <PasswordSection me={me} />
          <TotpSection me={me} />
        </>
      )}
    </main>
  );
}
