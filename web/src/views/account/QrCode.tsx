import { useEffect, useState } from "preact/hooks";
import { t } from "../../i18n";

/** The dark modules as one SVG path: a 1 x 1 square each, in module units. */
function modulesPath(matrix: readonly (readonly boolean[])[]): string {
  let d = "";
  matrix.forEach((row, y) => {
    row.forEach((dark, x) => {
      if (dark) d += `M${x} ${y}h1v1h-1z`;
    });
  });
  return d;
}

/**
 * `text` as a QR code. The encoder (uqr, a few KB) loads only when a code is
 * shown. Black on white in both themes: scanners want a dark code on light.
 */
export function QrCode({ text }: { text: string }) {
  const [matrix, setMatrix] = useState<boolean[][] | null>(null);
  useEffect(() => {
    let live = true;
    void import("uqr").then(({ encode }) => {
      if (live) setMatrix(encode(text, { ecc: "M", border: 2 }).data);
    });
    return () => {
      live = false;
    };
  }, [text]);
  if (!matrix) return <p class="muted">{t("loading")}</p>;
  const size = matrix.length;
  return (
    <svg class="qr" role="img" aria-label={t("qrCodeAlt")} viewBox={`0 0 ${size} ${size}`} shape-rendering="crispEdges">
      <rect width={size} height={size} fill="#ffffff" />
      <path d={modulesPath(matrix)} fill="#000000" />
    </svg>
  );
}
