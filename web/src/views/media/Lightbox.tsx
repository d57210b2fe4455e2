import { useEffect, useRef } from "preact/hooks";
import { t } from "../../i18n";

/**
 * A modal image viewer. `showModal()` makes the rest of the page inert (focus
 * stays inside) and Escape fires `cancel`; focus returns to the opener.
 */
export function Lightbox({ src, name, onClose }: { src: string; name: string; onClose: () => void }) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = dialog.current;
    if (!d) return;
    const opener = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    d.showModal();
    return () => {
      if (d.open) d.close();
      opener?.focus();
    };
  }, []);

  return (
    <dialog
      ref={dialog}
      class="lightbox"
      aria-label={t("imageViewer", { name })}
      onCancel={(e) => {
        e.preventDefault();
        onClose();
      }}
    >
      <img src={src} alt={t("imageAlt", { name })} />
      <p class="lightbox-bar">
        <span class="name">{name}</span>
        <a href={src} download={name}>
          {t("download")}
        </a>
        <button type="button" onClick={onClose}>
          {t("close")}
        </button>
      </p>
    </dialog>
  );
}
