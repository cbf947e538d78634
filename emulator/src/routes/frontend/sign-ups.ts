import { Hono, type Context } from "hono";
import { z } from "zod";
import type { EmulatorContext } from "../../context";
import { formError, invalidParam, missingParam } from "../../http";
import { hashPassword } from "../../passwords";
import type { ClientRecord } from "../../store/clients";
import { emailCodeVerification, type SignUpFields, type SignUpRecord } from "../../store/sign-ups";
import type { Parsed } from "../../validation";
import {
  activeSessionOf,
  alreadyComplete,
  appOrigin,
  clientEnvelope,
  currentClient,
  formParams,
  notFoundOnClient,
  sessionExists,
} from "./envelope";
import { PASSWORD_LENGTH } from "./environment";
import { missingSignUpFields, signUpJSON } from "./resources";

// Email + password sign-up, as <SignUp/> drives it: create, prepare the email code, attempt it.
// No email is sent: like Clerk's test mode, the code is always 424242. A failed call changes
// nothing in the store.

export const TEST_MODE_EMAIL_CODE = "424242";

const emailSchema = z.email();

function identifierExists(): Response {
  return formError("form_identifier_exists", "email_address", "That email address is taken. Please try another.");
}

function emailCodeOnly(): Response {
  return invalidParam("strategy", "Only the email_code strategy is emulated.");
}

export function signUpRoutes(context: EmulatorContext): Hono {
  const { store } = context;

  /** The fields a create or update call sets, validated; fields it leaves out are left out. */
  async function parseFields(params: Record<string, string>): Promise<Parsed<Partial<SignUpFields>>> {
    const fields: Partial<SignUpFields> = {};
    if (params.email_address !== undefined) {
      const email = params.email_address.trim();
      if (!emailSchema.safeParse(email).success) {
        const longMessage = "email_address must be a valid email address.";
        return {
          ok: false,
          response: formError("form_param_format_invalid", "email_address", "is invalid", longMessage),
        };
      }
      if (store.users.findByEmail(email)) return { ok: false, response: identifierExists() };
      fields.email_address = email;
    }
    if (params.password !== undefined) {
      const { password } = params;
      if (password.length < PASSWORD_LENGTH.min) {
        const message = `Passwords must be ${PASSWORD_LENGTH.min} characters or more.`;
        return { ok: false, response: formError("form_password_length_too_short", "password", message) };
      }
      if (Buffer.byteLength(password) > PASSWORD_LENGTH.max) {
        const message = `Passwords must be ${PASSWORD_LENGTH.max} bytes or fewer.`;
        return { ok: false, response: formError("form_password_size_in_bytes_exceeded", "password", message) };
      }
      fields.password_digest = await hashPassword(password);
    }
    for (const name of ["first_name", "last_name"] as const) {
      if (params[name] !== undefined) fields[name] = params[name].trim() || null;
    }
    return { ok: true, data: fields };
  }

  /** The sign-up in the path, if it is this browser's; else a 404. */
  function signUpOf(c: Context): { client: ClientRecord; signUp: SignUpRecord } | Response {
    const id = c.req.param("id") ?? "";
    const client = currentClient(c, store);
    const signUp = store.signUps.get(id);
    return client && signUp?.client_id === client.id ? { client, signUp } : notFoundOnClient("sign-up", id);
  }

  /** The sign-up in the path, if it is this browser's and still open; else the error to answer. */
  function openSignUp(c: Context): { client: ClientRecord; signUp: SignUpRecord } | Response {
    const found = signUpOf(c);
    if (found instanceof Response || found.signUp.created_session_id === null) return found;
    return alreadyComplete("sign-up");
  }

  /**
   * Applies the changes and, once every field is there and the email verified, creates the
   * user and signs them in. Returns the error, changing nothing, if that user cannot be created.
   */
  function advance(c: Context, client: ClientRecord, signUp: SignUpRecord, changes: Partial<SignUpRecord>) {
    const next = { ...signUp, ...changes };
    const ready = next.email_verification.status === "verified" && missingSignUpFields(next).length === 0;
    const email = ready ? next.email_address : null;
    // Someone may have signed up with the same address meanwhile.
    if (email !== null && store.users.findByEmail(email)) return identifierExists();
    Object.assign(signUp, changes);
    if (email !== null) store.signUps.complete(client, signUp, email, appOrigin(c));
  }

  return (
    new Hono()
      .post("/", async (c) => {
        const existing = currentClient(c, store);
        if (existing && activeSessionOf(store, existing)) return sessionExists();
        const fields = await parseFields(await formParams(c));
        if (!fields.ok) return fields.response;
        const client = existing ?? store.clients.create();
        const empty = { email_address: null, password_digest: null, first_name: null, last_name: null };
        const signUp = store.signUps.create(client, { ...empty, ...fields.data });
        return clientEnvelope(context, client, signUpJSON(signUp));
      })
      .get("/:id", (c) => {
        const found = signUpOf(c);
        return found instanceof Response ? found : clientEnvelope(context, found.client, signUpJSON(found.signUp));
      })
      // <SignUp/>'s "continue" step fills in what the first call left missing.
      .patch("/:id", async (c) => {
        const open = openSignUp(c);
        if (open instanceof Response) return open;
        const fields = await parseFields(await formParams(c));
        if (!fields.ok) return fields.response;
        const { client, signUp } = open;
        const changes: Partial<SignUpRecord> = fields.data;
        // A new address needs verifying afresh.
        if (changes.email_address !== undefined && changes.email_address !== signUp.email_address) {
          changes.email_verification = emailCodeVerification(null);
        }
        const problem = advance(c, client, signUp, changes);
        return problem ?? clientEnvelope(context, client, signUpJSON(signUp));
      })
      .post("/:id/prepare_verification", async (c) => {
        const open = openSignUp(c);
        if (open instanceof Response) return open;
        if ((await formParams(c)).strategy !== "email_code") return emailCodeOnly();
        const { client, signUp } = open;
        if (signUp.email_address === null) return missingParam("email_address");
        // "Sends" a new code (always 424242).
        signUp.email_verification = emailCodeVerification(0);
        return clientEnvelope(context, client, signUpJSON(signUp));
      })
      .post("/:id/attempt_verification", async (c) => {
        const open = openSignUp(c);
        if (open instanceof Response) return open;
        const params = await formParams(c);
        if (params.strategy !== "email_code") return emailCodeOnly();
        if (!params.code) return missingParam("code");
        const { client, signUp } = open;
        if (signUp.email_address === null) return missingParam("email_address");
        if (params.code !== TEST_MODE_EMAIL_CODE) {
          return formError("form_code_incorrect", "code", "is incorrect", "Incorrect code");
        }
        if (signUp.email_verification.expire_at <= Date.now()) {
          const longMessage = "This verification code has expired. Request a new one.";
          return formError("verification_expired", "code", "has expired", longMessage);
        }
        const email_verification = { ...signUp.email_verification, status: "verified" as const, attempts: 1 };
        const problem = advance(c, client, signUp, { email_verification });
        return problem ?? clientEnvelope(context, client, signUpJSON(signUp));
      })
  );
}
