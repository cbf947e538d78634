import type { JWK } from "jose";
import type { EmulatorStore } from "./store";
import type { TokenIssuer } from "./tokens/signing";

/** What route handlers share: the emulator's state and its signing identity. */
export interface EmulatorContext {
  store: EmulatorStore;
  issuer: TokenIssuer;
  publicJwk: JWK;
  sessionTokenLifetimeSeconds: number;
  /** pk_live_…: the Frontend API derives its cookie-name suffix from it, as clerk-js does. */
  publishableKey: string;
}
