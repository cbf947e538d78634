import { describe, expect, it } from "vitest";
import { ClerkCallBudgets, ClerkCallBudgetSpent } from "~/utils/clerk/call-budget.server";

/** Buckets of 2 calls per 10 s, on a clock the test moves. */
function budgets() {
  const clock = { now: 0 };
  return { clock, budgets: new ClerkCallBudgets({ callsPerWindow: 2, windowMs: 10_000, now: () => clock.now }) };
}

const spentFor = (take: () => void) => {
  try {
    take();
  } catch (error) {
    expect(error).toBeInstanceOf(ClerkCallBudgetSpent);
    return (error as ClerkCallBudgetSpent).retryAfterSeconds;
  }
  return undefined;
};

describe("ClerkCallBudgets", () => {
  it("lets a user make a window's calls at once, then refuses, saying when the next one is back", () => {
    const { budgets: b } = budgets();
    expect(spentFor(() => b.take("bob"))).toBeUndefined();
    expect(spentFor(() => b.take("bob"))).toBeUndefined();
    // One call comes back every 5 s.
    expect(spentFor(() => b.take("bob"))).toBe(5);
  });

  it("keeps each user's bucket apart: Bob's spent budget leaves Alice's whole", () => {
    const { budgets: b } = budgets();
    for (let call = 0; call < 2; call += 1) b.take("bob");
    expect(spentFor(() => b.take("bob"))).toBe(5);
    expect(spentFor(() => b.take("alice"))).toBeUndefined();
    expect(spentFor(() => b.take("alice"))).toBeUndefined();
  });

  it("refills at the window's pace, never above a full bucket", () => {
    const { clock, budgets: b } = budgets();
    b.take("bob");
    b.take("bob");
    clock.now = 4_000;
    expect(spentFor(() => b.take("bob"))).toBe(1);
    clock.now = 5_000;
    expect(spentFor(() => b.take("bob"))).toBeUndefined();
    clock.now = 60_000;
    for (let call = 0; call < 2; call += 1) expect(spentFor(() => b.take("bob"))).toBeUndefined();
    expect(spentFor(() => b.take("bob"))).toBe(5);
  });

  it("counts a retry made anyway, below empty, so the next call waits for it too", () => {
    const { budgets: b } = budgets();
    b.take("bob");
    b.take("bob");
    b.charge("bob");
    expect(spentFor(() => b.take("bob"))).toBe(10);
  });
});
