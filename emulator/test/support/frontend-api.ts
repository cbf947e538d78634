import { decodeJwt } from "jose";
import type { RunningEmulator } from "../../src/index";

/** Where the app would serve pages, and the proxy path its Frontend API proxy answers on. */
export const APP_ORIGIN = "http://localhost:3000";
export const PROXY_URL = `${APP_ORIGIN}/__clerk`;

// The query clerk-js 5.128.0 adds to every Frontend API call.
const CLERK_JS_QUERY = { __clerk_api_version: "2025-11-10", _clerk_js_version: "5.128.0" };

// Response bodies vary per endpoint; the tests assert on them field by field.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type ResponseBody = any;

export interface FrontendApiResponse {
  status: number;
  body: ResponseBody;
  headers: Headers;
  /** The raw `Set-Cookie` values, for asserting on their attributes. */
  setCookies: string[];
}

/**
 * A browser calling the emulator's Frontend API as clerk-js does through the app's proxy:
 * form-encoded bodies, non-GET methods sent as POST with `_method`, the proxy's headers,
 * and a cookie jar that keeps what the emulator sets. With a dev browser (development
 * instances) it calls the Frontend API directly, the dev browser JWT in every URL.
 */
export class Browser {
  readonly cookies = new Map<string, string>();

  constructor(
    private readonly emulator: RunningEmulator,
    readonly devBrowser?: string,
  ) {}

  /** A browser that has made its dev browser, as clerk-js does first on a development instance. */
  static async withDevBrowser(emulator: RunningEmulator): Promise<Browser> {
    const response = await fetch(`${emulator.url}/v1/dev_browser`, { method: "POST", headers: { Origin: APP_ORIGIN } });
    const { id } = (await response.json()) as { id: string };
    return new Browser(emulator, id);
  }

  async call(
    method: "GET" | "POST" | "PATCH" | "DELETE",
    path: string,
    form?: Record<string, string>,
  ): Promise<FrontendApiResponse> {
    const url = new URL(path, this.emulator.url);
    for (const [name, value] of Object.entries(CLERK_JS_QUERY)) url.searchParams.set(name, value);
    if (method !== "GET" && method !== "POST") url.searchParams.set("_method", method);
    if (this.devBrowser) url.searchParams.set("__clerk_db_jwt", this.devBrowser);
    const proxyHeaders = {
      "Clerk-Proxy-Url": PROXY_URL,
      "Clerk-Secret-Key": this.emulator.secretKey,
      "X-Forwarded-For": "127.0.0.1",
    };
    const headers: Record<string, string> = this.devBrowser ? { Origin: APP_ORIGIN } : proxyHeaders;
    if (this.cookies.size > 0) headers.Cookie = this.cookieHeader();
    let body: string | undefined;
    if (method !== "GET") {
      headers.Origin = APP_ORIGIN;
      headers["Content-Type"] = "application/x-www-form-urlencoded";
      body = new URLSearchParams(form).toString();
    }
    const response = await fetch(url, {
      method: method === "GET" ? "GET" : "POST",
      headers,
      body,
      redirect: "manual",
    });
    const setCookies = response.headers.getSetCookie();
    this.keep(setCookies);
    const text = await response.text();
    return {
      status: response.status,
      body: text === "" ? undefined : JSON.parse(text),
      headers: response.headers,
      setCookies,
    };
  }

  cookieHeader(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join("; ");
  }

  /** Applies `Set-Cookie` values as a browser would: `Max-Age=0` removes the cookie. */
  keep(setCookies: string[]): void {
    for (const setCookie of setCookies) {
      const [pair = "", ...attributes] = setCookie.split("; ");
      const name = pair.slice(0, pair.indexOf("="));
      if (attributes.includes("Max-Age=0")) this.cookies.delete(name);
      else this.cookies.set(name, pair.slice(name.length + 1));
    }
  }

  /** Signs in with a password the way <SignIn/> does: identifier first, then the password. */
  async signIn(email: string, password: string): Promise<FrontendApiResponse & { sessionId: string }> {
    const created = await this.call("POST", "/v1/client/sign_ins", { locale: "en-US", identifier: email });
    if (created.status !== 200) throw new Error(`sign_ins answered ${created.status}`);
    const attempted = await this.call("POST", `/v1/client/sign_ins/${created.body.response.id}/attempt_first_factor`, {
      strategy: "password",
      password,
    });
    if (attempted.status !== 200) throw new Error(`attempt_first_factor answered ${attempted.status}`);
    return { ...attempted, sessionId: attempted.body.response.created_session_id };
  }

  /** Signs up the way <SignUp/> does: create, prepare the email code, attempt Clerk's test code. */
  async signUp(email: string, password: string): Promise<FrontendApiResponse & { sessionId: string; userId: string }> {
    const created = await this.call("POST", "/v1/client/sign_ups", { email_address: email, password, locale: "en-US" });
    if (created.status !== 200) throw new Error(`sign_ups answered ${created.status}`);
    const id = created.body.response.id;
    await this.call("POST", `/v1/client/sign_ups/${id}/prepare_verification`, { strategy: "email_code" });
    const attempted = await this.call("POST", `/v1/client/sign_ups/${id}/attempt_verification`, {
      code: "424242",
      strategy: "email_code",
    });
    if (attempted.status !== 200) throw new Error(`attempt_verification answered ${attempted.status}`);
    const { created_session_id: sessionId, created_user_id: userId } = attempted.body.response;
    return { ...attempted, sessionId, userId };
  }

  /** The client as `GET /v1/client` shows it, without its freshly minted tokens. */
  async clientState(): Promise<ResponseBody> {
    const { body } = await this.call("GET", "/v1/client");
    return JSON.parse(JSON.stringify(body.response, (key, value) => (key === "last_active_token" ? "…" : value)));
  }
}

/** The claims of a JWT, unverified. */
export function claimsOf(jwt: string): ResponseBody {
  return decodeJwt(jwt);
}

/** The value of a `Set-Cookie` named exactly `name`, if any. */
export function setCookieNamed(setCookies: string[], name: string): string | undefined {
  return setCookies.find((setCookie) => setCookie.startsWith(`${name}=`));
}
