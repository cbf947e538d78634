import { Hono, type Context } from "hono";
import type { EmulatorContext } from "../../context";
import { formError, missingParam } from "../../http";
import { verifyPassword } from "../../passwords";
import type { ClientRecord } from "../../store/clients";
import type { SignInRecord } from "../../store/sign-ins";
import type { UserRecord } from "../../store/users";
import {
  activeSessionOf,
  alreadyComplete,
  appOrigin,
  clientEnvelope,
  currentClient,
  formParams,
  notFoundOnClient,
  sessionExists,
  userOf,
} from "./envelope";
import { signInJSON } from "./resources";
import { ticketSignIn } from "./ticket-sign-in";

// Password sign-in, as <SignIn/> drives it: create with the email address, then attempt the
// password; or both in one call when the browser autofilled the password (or @clerk/testing's
// clerk.signIn sends both). A sign-in token's ticket: ticket-sign-in.ts. A failed call
// changes nothing in the store.

function identifierNotFound(): Response {
  return formError("form_identifier_not_found", "identifier", "Couldn't find your account.");
}

function passwordIncorrect(): Response {
  return formError("form_password_incorrect", "password", "Password is incorrect. Try again, or use another method.");
}

function strategyInvalid(longMessage: string): Response {
  return formError("strategy_for_user_invalid", "strategy", "Invalid verification strategy", longMessage);
}

/** Checks the password; the error to answer when it is wrong, else undefined. */
async function passwordProblem(user: UserRecord, password: string | undefined): Promise<Response | undefined> {
  if (password === undefined || password === "") return missingParam("password");
  if (user.password_digest === null) return strategyInvalid("This account has no password.");
  return (await verifyPassword(password, user.password_digest)) ? undefined : passwordIncorrect();
}

export function signInRoutes(context: EmulatorContext): Hono {
  const { store } = context;

  /** The sign-in in the path, if it is this browser's; else a 404. */
  function signInOf(c: Context): { client: ClientRecord; signIn: SignInRecord } | Response {
    const id = c.req.param("id") ?? "";
    const client = currentClient(c, store);
    const signIn = store.signIns.get(id);
    return client && signIn?.client_id === client.id ? { client, signIn } : notFoundOnClient("sign-in", id);
  }

  async function respond(client: ClientRecord, signIn: SignInRecord): Promise<Response> {
    return clientEnvelope(context, client, signInJSON(signIn, userOf(store, signIn.user_id)));
  }

  async function attemptFirstFactor(c: Context): Promise<Response> {
    const found = signInOf(c);
    if (found instanceof Response) return found;
    const { client, signIn } = found;
    if (signIn.created_session_id !== null) return alreadyComplete("sign-in");
    const params = await formParams(c);
    if (params.strategy !== "password") return strategyInvalid("Only the password strategy is emulated.");
    const problem = await passwordProblem(userOf(store, signIn.user_id), params.password);
    if (problem) return problem;
    store.signIns.complete(client, signIn, appOrigin(c));
    return respond(client, signIn);
  }

  return new Hono()
    .post("/", async (c) => {
      const params = await formParams(c);
      if (params.strategy === "ticket") return ticketSignIn(c, context, params.ticket);
      const identifier = params.identifier?.trim();
      if (!identifier) return missingParam("identifier");
      const existing = currentClient(c, store);
      if (existing && activeSessionOf(store, existing)) return sessionExists();
      const user = store.users.findByEmail(identifier);
      if (!user) return identifierNotFound();
      // The password arrives with the identifier when the browser autofilled it.
      const withPassword = params.strategy === "password";
      if (withPassword) {
        const problem = await passwordProblem(user, params.password);
        if (problem) return problem;
      }
      const client = existing ?? store.clients.create();
      const signIn = store.signIns.create(client, user, identifier);
      if (withPassword) store.signIns.complete(client, signIn, appOrigin(c));
      return respond(client, signIn);
    })
    .get("/:id", (c) => {
      const found = signInOf(c);
      return found instanceof Response ? found : respond(found.client, found.signIn);
    })
    .post("/:id/attempt_first_factor", attemptFirstFactor);
}
