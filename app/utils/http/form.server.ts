import { apiError } from "~/utils/http/responses.server";

/** Far more than a template's claims or a token need; a larger post is refused before it is held in memory. */
const MAX_FORM_BYTES = 64 * 1024;

async function bodyWithin(request: Request, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body?.getReader();
  for (let read = await reader?.read(); read && !read.done; read = await reader?.read()) {
    size += read.value.byteLength;
    if (size > maxBytes) {
      await reader?.cancel();
      throw apiError(413, { message: `Forms are limited to ${maxBytes} bytes.`, code: "form_too_large" });
    }
    chunks.push(read.value);
  }
  return Buffer.concat(chunks);
}

/**
 * A posted form (urlencoded or multipart), read up to MAX_FORM_BYTES; anything
 * else is a 400 JSON answer rather than the exception `formData()` throws.
 */
export async function readForm(request: Request): Promise<FormData> {
  const body = await bodyWithin(request, MAX_FORM_BYTES);
  try {
    return await new Response(new Uint8Array(body), {
      headers: { "Content-Type": request.headers.get("Content-Type") ?? "" },
    }).formData();
  } catch {
    throw apiError(400, {
      message: "Send a form: application/x-www-form-urlencoded or multipart/form-data.",
      code: "invalid_form",
    });
  }
}
