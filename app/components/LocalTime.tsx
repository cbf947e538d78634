import { useEffect, useState } from "react";

function utcText(date: Date) {
  return date.toISOString().replace("T", " ").replace(".000Z", " UTC");
}

/**
 * A time in the viewer's own zone, with UTC on hover. The server renders UTC
 * (it does not know the viewer's zone); the browser switches to local time once
 * hydrated, so the two renders never disagree.
 */
export function LocalTime({ epochSeconds }: { epochSeconds: number }) {
  const date = new Date(epochSeconds * 1000);
  const [local, setLocal] = useState<string>();
  useEffect(() => {
    setLocal(new Date(epochSeconds * 1000).toLocaleString(undefined, { dateStyle: "medium", timeStyle: "long" }));
  }, [epochSeconds]);
  return (
    <time dateTime={date.toISOString()} title={utcText(date)}>
      {local ?? utcText(date)}
    </time>
  );
}
