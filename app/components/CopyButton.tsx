import { useEffect, useState } from "react";

const COPIED_FOR_MS = 2000;

/** Copies text to the clipboard and says so, for screen readers too, until the text changes. */
export function CopyButton({ text, label }: { text: string; label: string }) {
  const [copiedText, setCopiedText] = useState<string>();
  const copied = copiedText === text;
  useEffect(() => {
    if (!copied) return;
    const timer = setTimeout(() => setCopiedText(undefined), COPIED_FOR_MS);
    return () => clearTimeout(timer);
  }, [copied]);
  async function copy() {
    await navigator.clipboard.writeText(text);
    setCopiedText(text);
  }
  return (
    <button type="button" className="button-secondary" onClick={copy} aria-label={label}>
      <span aria-live="polite">{copied ? "Copied" : "Copy"}</span>
    </button>
  );
}
