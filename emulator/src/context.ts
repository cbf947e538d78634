import type { JWK } from "jose";
import type { EmulatorStore } from "./store";
import type { JsonObject } from "./store/json";
import type { CookieScope } from "./routes/frontend/cookies";
import type { DevBrowsers } from "./tokens/dev-browser";
import type { InstanceKind } from "./tokens/keys";
import type { TokenIssuer } from "./tokens/signing";
import type { WebhookSender } from "./webhooks";

/** What route handlers share: the emulator's state and its signing identity. */
export interface EmulatorContext {
  store: EmulatorStore;
  issuer: TokenIssuer;
  publicJwk: JWK;
  sessionTokenLifetimeSeconds: number;
  /** The instance's session token customization: claims with shortcodes, rendered for each token's user. */
  sessionTokenClaims: JsonObject;
  /** The suffix of the instance's cookie names, from its publishable key (see cookieSuffix). */
  cookieSuffix: string;
  /** Announces ended, removed and revoked sessions to the configured webhook endpoint, if any. */
  webhooks: WebhookSender;
  instanceKind: InstanceKind;
  /** Where the cookies the app reads are set (see CookieScope). */
  cookieScope: CookieScope;
  /** Development instances: the dev browsers that identify browsers instead of cookies. */
  devBrowsers: DevBrowsers;
}
