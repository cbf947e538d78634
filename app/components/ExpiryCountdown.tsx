import { useEffect, useState } from "react";

function secondsUntil(epochSeconds: number) {
  return Math.round(epochSeconds - Date.now() / 1000);
}

/** A live "expires in N s" for a token's `exp`, ticking once a second. */
export function ExpiryCountdown({ exp, testId = "countdown" }: { exp: number; testId?: string }) {
  const [remaining, setRemaining] = useState<number>();
  useEffect(() => {
    setRemaining(secondsUntil(exp));
    const timer = setInterval(() => setRemaining(secondsUntil(exp)), 1000);
    return () => clearInterval(timer);
  }, [exp]);
  if (remaining === undefined) return null;
  return (
    <span className={remaining > 0 ? "countdown" : "countdown expired"} data-testid={testId}>
      {remaining > 0 ? `expires in ${remaining} s` : "expired"}
    </span>
  );
}
