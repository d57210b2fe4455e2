/**
 * Calls `wake` when the network comes back or the tab becomes visible:
 * the moments a waiting reconnect should not sit out its backoff.
 */
export function onWake(wake: () => void): () => void {
  const onVisibility = () => {
    if (document.visibilityState === "visible") wake();
  };
  window.addEventListener("online", wake);
  document.addEventListener("visibilitychange", onVisibility);
  return () => {
    window.removeEventListener("online", wake);
    document.removeEventListener("visibilitychange", onVisibility);
  };
}
