import type { SignatureCheck } from "~/explorer/signature";

/** Asks POST /explorer/signature whether the token verifies against the instance's keys. */
export async function requestSignatureCheck(jwt: string): Promise<SignatureCheck> {
  const form = new FormData();
  form.set("jwt", jwt);
  const response = await fetch("/explorer/signature", { method: "POST", body: form }).catch(() => undefined);
  const body = response?.ok ? await response.json().catch(() => undefined) : undefined;
  return body?.signature ?? { status: "unavailable" };
}
