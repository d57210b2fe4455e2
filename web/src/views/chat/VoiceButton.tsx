import { useEffect, useRef, useState } from "preact/hooks";
import { t } from "../../i18n";

/** Containers the server's sniffer recognises as audio, in order of preference. */
const TYPES = ["audio/webm;codecs=opus", "audio/ogg;codecs=opus", "audio/webm", "audio/ogg", "audio/mp4"];

function recorderType(): string | undefined {
  return TYPES.find((type) => MediaRecorder.isTypeSupported(type));
}

/** Click to record, click again to stop and send, or cancel. */
export function VoiceButton({ disabled, onRecorded }: { disabled: boolean; onRecorded: (blob: Blob) => void }) {
  const [recording, setRecording] = useState(false);
  const [seconds, setSeconds] = useState(0);
  const [error, setError] = useState<string | null>(null);
  const recorder = useRef<MediaRecorder | null>(null);
  const keep = useRef(true);

  useEffect(() => {
    if (!recording) return;
    const started = Date.now();
    const timer = setInterval(() => setSeconds(Math.floor((Date.now() - started) / 1000)), 500);
    return () => clearInterval(timer);
  }, [recording]);
  // Leaving the chat mid-recording throws the recording away and frees the microphone.
  useEffect(
    () => () => {
      keep.current = false;
      if (recorder.current?.state === "recording") recorder.current.stop();
    },
    [],
  );

  if (typeof MediaRecorder === "undefined" || !navigator.mediaDevices) return null;

  const start = async () => {
    setError(null);
    try {
      const stream = await navigator.mediaDevices.getUserMedia({ audio: true });
      const type = recorderType();
      const rec = new MediaRecorder(stream, type ? { mimeType: type } : undefined);
      const chunks: Blob[] = [];
      rec.ondataavailable = (e) => chunks.push(e.data);
      rec.onstop = () => {
        for (const track of stream.getTracks()) track.stop();
        setRecording(false);
        // The recorder's own type (codecs stripped) decides the message kind.
        const mime = (rec.mimeType || type || "audio/webm").split(";")[0] ?? "audio/webm";
        if (keep.current && chunks.length > 0) onRecorded(new Blob(chunks, { type: mime }));
      };
      recorder.current = rec;
      keep.current = true;
      rec.start(250);
      setSeconds(0);
      setRecording(true);
    } catch {
      setError(t("micUnavailable"));
    }
  };
  const stop = (send: boolean) => {
    keep.current = send;
    recorder.current?.stop();
  };

  return (
    <>
      {recording ? (
        <>
          <span class="recording" role="status">
            {t("recording", { seconds })}
          </span>
          <button type="button" onClick={() => stop(true)}>
            {t("stopAndSend")}
          </button>
          <button type="button" class="secondary" onClick={() => stop(false)}>
            {t("cancelRecording")}
          </button>
        </>
      ) : (
        <button
          type="button"
          class="secondary"
          aria-label={t("recordVoice")}
          title={t("recordVoice")}
          disabled={disabled}
          onClick={() => void start()}
        >
          🎤
        </button>
      )}
      {error && (
        <span class="error" role="alert">
          {error}
        </span>
      )}
    </>
  );
}
