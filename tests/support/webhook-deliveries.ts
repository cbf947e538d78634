import { expect } from "vitest";

/**
 * The emulator's log, read for its webhook deliveries: pass `log` as the emulator's `log` option, then
 * `delivered(type)` waits until it has delivered that event to the app and the app answered 200.
 */
export function webhookDeliveries(alsoLog: (line: string) => void = () => {}) {
  const lines: string[] = [];
  return {
    lines,
    log(line: string) {
      lines.push(line);
      alsoLog(line);
    },
    async delivered(type: string) {
      const line = new RegExp(`^WEBHOOK ${type.replace(".", "\\.")} → 200`);
      for (let waited = 0; waited < 5000 && !lines.some((entry) => line.test(entry)); waited += 25) {
        await new Promise((resolve) => setTimeout(resolve, 25));
      }
      expect(lines, `${type} delivered`).toContainEqual(expect.stringMatching(line));
      lines.length = 0;
    },
  };
}
