import { describe, expect, it } from "vitest";
import { TemplateNameList } from "~/utils/templates/template-name-list.server";

/** A stand-in for the Backend API's list: each read waits until the test answers it. */
function controllableLoader() {
  const reads: Array<{ answer: (names: string[]) => void; fail: (error: Error) => void }> = [];
  const load = () =>
    new Promise<string[]>((answer, fail) => {
      reads.push({ answer, fail });
    });
  return { load, reads };
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe("TemplateNameList", () => {
  it("answers a refresh asked for during a read with a read that starts after it", async () => {
    const { load, reads } = controllableLoader();
    const list = new TemplateNameList(load);
    const first = list.refresh();
    const afterSave = list.refresh();
    const alsoAfterSave = list.refresh();
    expect(reads).toHaveLength(1);

    reads[0]!.answer(["profile"]);
    expect([...(await first)]).toEqual(["profile"]);
    await flush();
    expect(reads).toHaveLength(2);
    reads[1]!.answer(["profile", "studio-made"]);
    expect([...(await afterSave)]).toEqual(["profile", "studio-made"]);
    expect(await alsoAfterSave).toBe(await afterSave);
    expect([...(await list.current())]).toEqual(["profile", "studio-made"]);
  });

  it("still reads again after the read under way fails, and keeps the last list when a read fails", async () => {
    const { load, reads } = controllableLoader();
    const list = new TemplateNameList(load);
    const first = list.refresh();
    reads[0]!.answer(["profile"]);
    await first;

    const failing = list.refresh();
    const afterIt = list.refresh();
    reads[1]!.fail(new Error("Clerk is down"));
    await expect(failing).rejects.toThrow("Clerk is down");
    expect([...(await list.current())]).toEqual(["profile"]);
    await flush();
    reads[2]!.answer(["profile", "new"]);
    expect([...(await afterIt)]).toEqual(["profile", "new"]);
  });

  it("lets the first requests share the first read", async () => {
    const { load, reads } = controllableLoader();
    const list = new TemplateNameList(load);
    const asked = [list.current(), list.current()];
    reads[0]!.answer(["profile"]);
    expect((await Promise.all(asked)).map((names) => [...names])).toEqual([["profile"], ["profile"]]);
    expect(reads).toHaveLength(1);
  });
});
