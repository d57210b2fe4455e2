/** An error for people; role=alert makes screen readers announce it. */
export function ErrorMessage({ text }: { text: string | null }) {
  if (!text) return null;
  return (
    <p role="alert" class="error">
      {text}
    </p>
  );
}
