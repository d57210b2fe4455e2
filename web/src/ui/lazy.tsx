import type { ComponentType, FunctionComponent } from "preact";
import { useEffect, useState } from "preact/hooks";
import { t } from "../i18n";

/**
 * A component whose code is fetched on first use (a separate chunk), so the
 * initial bundle holds only the shell and the conversation list.
 */
export function lazy<P extends object>(load: () => Promise<ComponentType<P>>): FunctionComponent<P> {
  let loaded: ComponentType<P> | null = null;
  let loading: Promise<ComponentType<P>> | null = null;
  return function Lazy(props: P) {
    const [, setReady] = useState(loaded !== null);
    useEffect(() => {
      if (loaded) return;
      let live = true;
      loading ??= load().then((c) => {
        loaded = c;
        return c;
      });
      loading.then(
        () => live && setReady(true),
        () => {
          loading = null; // a failed chunk fetch (offline) may succeed later
        },
      );
      return () => {
        live = false;
      };
    }, []);
    const Loaded = loaded;
    return Loaded ? <Loaded {...props} /> : <p class="center muted">{t("loading")}</p>;
  };
}
