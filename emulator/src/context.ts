import type { JWK } from "jose";
import type { EmulatorStore } from "./store";
import type { TokenIssuer } from "./tokens/signing";
import type { WebhookSender } from "./webhooks";

/** What route handlers share: the emulator's state and its signing identity. */
export interface EmulatorContext {
  store: EmulatorStore;
  issuer: TokenIssuer;
  publicJwk: JWK;
  sessionTokenLifetimeSeconds: number;
  /** The suffix of the instance's cookie names, from its publishable key (see cookieSuffix). */
  cookieSuffix: string;
  /** Announces ended, removed and revoked sessions to the configured webhook endpoint, if any. */
  webhooks: WebhookSender;
}
