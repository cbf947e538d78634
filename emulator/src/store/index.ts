import { ClientStore } from "./clients";
import { HandshakePayloadStore } from "./handshake-payloads";
import { JwtTemplateStore } from "./jwt-templates";
import { OrganizationStore } from "./organizations";
import { SessionStore } from "./sessions";
import { SignInTokenStore } from "./sign-in-tokens";
import { SignInStore } from "./sign-ins";
import { SignUpStore } from "./sign-ups";
import { TestingTokenStore } from "./testing-tokens";
import { UserStore } from "./users";

/**
 * The emulator's state, one store per resource (as in routes/). Each emulator owns
 * one, so parallel emulators never share data.
 */
export class EmulatorStore {
  readonly users = new UserStore();
  readonly clients = new ClientStore();
  readonly sessions = new SessionStore(this.users, this.clients);
  readonly signIns = new SignInStore(this.sessions);
  readonly signUps = new SignUpStore(this.users, this.sessions);
  readonly jwtTemplates = new JwtTemplateStore();
  readonly handshakePayloads = new HandshakePayloadStore();
  readonly testingTokens = new TestingTokenStore();
  readonly signInTokens = new SignInTokenStore();
  readonly organizations = new OrganizationStore();
}
