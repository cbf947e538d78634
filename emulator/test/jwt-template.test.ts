import { exportPKCS8, generateKeyPair, importJWK, decodeProtectedHeader, jwtVerify } from "jose";
import { describe, expect, it } from "vitest";
import { TemplateSyntaxError, assertValidClaims, mintTemplateToken, renderClaims } from "../src/tokens/jwt-template";
import { NOW, sessionRecord, templateRecord, testIssuer, userRecord } from "./support/fixtures";
import { claimsOf } from "./support/frontend-api";

// Cases follow Clerk's guide "JWT templates" (docs/guides/sessions/jwt-templates.mdx).
const john = userRecord();

describe("renderClaims", () => {
  it("copies static values of every JSON type as they are", () => {
    const claims = { aud: "api", n: 42, ok: true, nothing: null, list: [1, "two"], nested: { a: { b: false } } };
    expect(renderClaims(claims, john)).toEqual(claims);
  });

  it("keeps the type of a value that is exactly one shortcode", () => {
    expect(
      renderClaims(
        {
          metadata: "{{user.public_metadata}}",
          created: "{{user.created_at}}",
          verified: "{{user.email_verified}}",
          tags: "{{user.public_metadata.tags}}",
          missing: "{{user.public_metadata.nope}}",
        },
        john,
      ),
    ).toEqual({
      metadata: john.public_metadata,
      created: 1_700_000_000,
      verified: true,
      tags: ["a", "b"],
      missing: null,
    });
  });

  it("reaches nested metadata with dot notation", () => {
    expect(
      renderClaims(
        {
          home: "{{user.public_metadata.addresses.Home}}",
          theme: "{{user.unsafe_metadata.theme}}",
          deeper: "{{user.public_metadata.addresses.Home.street}}",
          tag: "{{user.public_metadata.tags.1}}",
        },
        john,
      ),
    ).toEqual({ home: "1 Main St", theme: "dark", deeper: null, tag: "b" });
  });

  it("interpolates shortcodes inside a longer string into a string, printing null as null", () => {
    const noLastName = userRecord({ last_name: null });
    expect(renderClaims({ full: "{{user.last_name}} {{user.first_name}}" }, noLastName)).toEqual({ full: "null John" });
    expect(
      renderClaims({ text: "id={{user.id}} verified={{user.email_verified}} created={{user.created_at}}" }, john),
    ).toEqual({ text: "id=user_john verified=true created=1700000000" });
    expect(renderClaims({ text: "roles: {{user.public_metadata.tags}}" }, john)).toEqual({ text: 'roles: ["a","b"]' });
  });

  it("trims trailing white space from an interpolated string", () => {
    const noLastName = userRecord({ last_name: "" });
    expect(renderClaims({ name: "{{user.first_name}} {{user.last_name}}" }, noLastName)).toEqual({ name: "John" });
    expect(renderClaims({ name: "  {{user.first_name}}  " }, john)).toEqual({ name: "  John" });
  });

  it("picks the first operand of || that is neither null nor false", () => {
    const noLastName = userRecord({ last_name: null });
    expect(
      renderClaims(
        {
          nickname: "{{user.public_metadata.nickname || user.first_name}}",
          literal: "{{ user.last_name || 'anonymous' }}",
          skipsFalse: "{{user.phone_number_verified || user.email_verified}}",
          number: "{{user.public_metadata.age || 18}}",
          boolean: "{{user.public_metadata.beta || true}}",
          inText: "Hi {{user.last_name || 'there'}}!",
          keepsEmptyString: "{{user.username || 'fallback'}}",
        },
        userRecord({ last_name: null, username: "" }),
      ),
    ).toEqual({
      nickname: "John",
      literal: "anonymous",
      skipsFalse: true,
      number: 18,
      boolean: true,
      inText: "Hi there!",
      keepsEmptyString: "",
    });
    expect(renderClaims({ last: "{{user.last_name || user.phone_number_verified}}" }, noLastName)).toEqual({
      last: false,
    });
    expect(renderClaims({ last: "{{user.phone_number_verified || user.last_name}}" }, noLastName)).toEqual({
      last: null,
    });
  });

  it("renders unknown shortcodes as null, private metadata included", () => {
    expect(
      renderClaims(
        {
          unknown: "{{user.i_dont_exist}}",
          other: "{{session.id}}",
          secret: "{{user.private_metadata}}",
          text: "x {{user.i_dont_exist}}",
        },
        john,
      ),
    ).toEqual({ unknown: null, other: null, secret: null, text: "x null" });
  });

  it("renders the shortcodes Clerk's guide names", () => {
    const rendered = renderClaims(
      {
        id: "{{user.id}}",
        first: "{{user.first_name}}",
        last: "{{user.last_name}}",
        full: "{{user.full_name}}",
        image: "{{user.image_url}}",
        email: "{{user.primary_email_address}}",
        phone: "{{user.primary_phone_address}}",
        emailVerified: "{{user.email_verified}}",
        phoneVerified: "{{user.phone_number_verified}}",
        created: "{{user.created_at}}",
      },
      john,
    );
    expect(rendered).toEqual({
      id: "user_john",
      first: "John",
      last: "Doe",
      full: "John Doe",
      image: "https://images.example/john.png",
      email: "john@example.com",
      phone: null,
      emailVerified: true,
      phoneVerified: false,
      created: 1_700_000_000,
    });
    expect(renderClaims({ full: "{{user.full_name}}" }, userRecord({ first_name: null, last_name: null }))).toEqual({
      full: null,
    });
  });

  it("renders shortcodes inside nested objects and arrays", () => {
    expect(
      renderClaims(
        { profile: { email: "{{user.primary_email_address}}", roles: ["{{user.public_metadata.role}}", "static"] } },
        john,
      ),
    ).toEqual({ profile: { email: "john@example.com", roles: ["admin", "static"] } });
  });
});

describe("renderClaims, more of the guide's rules", () => {
  const zeroAndEmpty = userRecord({ public_metadata: { zero: 0, empty: "", nothing: null, off: false, obj: {} } });

  it("treats only null and false as falsy in ||: 0, '' and {} are kept", () => {
    expect(
      renderClaims(
        {
          zero: "{{user.public_metadata.zero || 5}}",
          empty: "{{user.public_metadata.empty || 'x'}}",
          obj: "{{user.public_metadata.obj || 'x'}}",
          chain: "{{user.public_metadata.nothing || user.public_metadata.off || 'last'}}",
          lastAsItIs: "{{user.public_metadata.nothing || user.public_metadata.off}}",
        },
        zeroAndEmpty,
      ),
    ).toEqual({ zero: 0, empty: "", obj: {}, chain: "last", lastAsItIs: false });
  });

  it("keeps the type with spaces inside the braces, but a value with text around one shortcode is a string", () => {
    expect(
      renderClaims(
        { spaced: "{{  user.created_at  }}", prefixed: "#{{user.created_at}}", leading: " {{user.email_verified}}" },
        john,
      ),
    ).toEqual({ spaced: 1_700_000_000, prefixed: "#1700000000", leading: " true" });
  });

  it("interpolates fallbacks and objects inside a longer string", () => {
    const noAge = userRecord({ public_metadata: { addresses: { Home: "1 Main St" } } });
    expect(
      renderClaims(
        {
          age: "Age {{user.public_metadata.age || 18}}",
          flag: "beta={{user.public_metadata.beta || false}}",
          object: "at {{user.public_metadata.addresses}}",
          missing: "{{user.public_metadata.nope}}/{{user.nope.deeper}}",
        },
        noAge,
      ),
    ).toEqual({ age: "Age 18", flag: "beta=false", object: 'at {"Home":"1 Main St"}', missing: "null/null" });
  });

  it("renders a missing path as null at any depth, through arrays and scalars", () => {
    expect(
      renderClaims(
        {
          pastScalar: "{{user.first_name.length}}",
          pastArrayEnd: "{{user.public_metadata.tags.5}}",
          unknownRoot: "{{session.id}}",
          inArray: ["{{user.public_metadata.nope}}", "{{user.id}}"],
        },
        john,
      ),
    ).toEqual({ pastScalar: null, pastArrayEnd: null, unknownRoot: null, inArray: [null, "user_john"] });
  });
});

describe("assertValidClaims", () => {
  it.each([
    "{{}}",
    "{{ user.id | user.first_name }}",
    "{{ 'unterminated }}",
    "{{ user.id || }}",
    "a {{ || b }}",
    '{{ "double" }}',
  ])("rejects the malformed shortcode %s", (value) => {
    expect(() => assertValidClaims({ claim: value })).toThrow(TemplateSyntaxError);
  });

  it("accepts well-formed shortcodes anywhere in the claims", () => {
    expect(() =>
      assertValidClaims({
        a: "{{ user.id || 'x' || 1 || true }}",
        b: ["{{user.public_metadata.a-b.c_d}}"],
        c: { d: "plain" },
      }),
    ).not.toThrow();
  });
});

describe("mintTemplateToken", () => {
  it("adds Clerk's default claims, which the template cannot override, and drops session-only claims", async () => {
    const { issuer, publicJwk } = await testIssuer();
    const template = templateRecord({
      lifetime: 300,
      allowed_clock_skew: 12,
      claims: {
        aud: "my-api",
        sub: "someone-else",
        iss: "https://evil.example",
        exp: 9_999_999_999,
        azp: "x",
        jti: "fixed",
        nbf: 0,
        iat: 0,
        sid: "sess_forged",
        v: 2,
        pla: "u:pro",
        fea: "u:all",
        email: "{{user.primary_email_address}}",
      },
    });
    const jwt = await mintTemplateToken({ issuer, template, session: sessionRecord(), user: john, now: NOW });

    // Clerk's JWT-template category (@clerk/backend 3.16.10, dist/tokens/jwtCategories.d.ts).
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "RS256", kid: "ins_test", typ: "JWT", cat: "cl_B7d4PD222AAA" });
    const { payload } = await jwtVerify(jwt, await importJWK(publicJwk, "RS256"), {
      currentDate: new Date(NOW * 1000),
    });
    expect(payload).toEqual({
      aud: "my-api",
      email: "john@example.com",
      sub: "user_john",
      iss: "https://127.0.0.1:4010",
      azp: "https://127.0.0.1:4010",
      iat: NOW,
      exp: NOW + 300,
      nbf: NOW - 12,
      jti: expect.stringMatching(/^[0-9a-f]{20}$/),
    });
  });

  it("uses Clerk's defaults, 60 s lifetime and 5 s skew, and a skew of 0 leaves nbf at iat", async () => {
    const { issuer } = await testIssuer();
    const session = sessionRecord();
    const byDefault = claimsOf(
      await mintTemplateToken({ issuer, template: templateRecord(), session, user: john, now: NOW }),
    );
    expect(byDefault).toMatchObject({ iat: NOW, exp: NOW + 60, nbf: NOW - 5 });
    const noSkew = templateRecord({ lifetime: 30, allowed_clock_skew: 0 });
    expect(
      claimsOf(await mintTemplateToken({ issuer, template: noSkew, session, user: john, now: NOW })),
    ).toMatchObject({
      iat: NOW,
      exp: NOW + 30,
      nbf: NOW,
    });
  });

  it("uses the session's origin as azp when it is known", async () => {
    const { issuer } = await testIssuer();
    const session = sessionRecord({ origin: "http://127.0.0.1:3000" });
    const jwt = await mintTemplateToken({ issuer, template: templateRecord(), session, user: john, now: NOW });
    expect(claimsOf(jwt)).toMatchObject({
      azp: "http://127.0.0.1:3000",
    });
  });

  it("lets expires_in_seconds override the template lifetime", async () => {
    const { issuer, publicJwk } = await testIssuer();
    const jwt = await mintTemplateToken({
      issuer,
      template: templateRecord(),
      session: sessionRecord(),
      user: john,
      expiresInSeconds: 3600,
      now: NOW,
    });
    const { payload } = await jwtVerify(jwt, await importJWK(publicJwk, "RS256"), {
      currentDate: new Date(NOW * 1000),
    });
    expect(payload.exp).toBe(NOW + 3600);
  });

  it("signs with the template's own HMAC secret, without the instance kid", async () => {
    const { issuer } = await testIssuer();
    const secret = "a-shared-secret-of-enough-length-0123456789";
    const template = templateRecord({
      custom_signing: { algorithm: "HS256", key: secret },
      claims: { aud: "partner" },
    });
    const jwt = await mintTemplateToken({ issuer, template, session: sessionRecord(), user: john, now: NOW });

    expect(decodeProtectedHeader(jwt)).toEqual({ alg: "HS256", typ: "JWT", cat: "cl_B7d4PD222AAA" });
    const { payload } = await jwtVerify(jwt, new TextEncoder().encode(secret), { currentDate: new Date(NOW * 1000) });
    expect(payload).toMatchObject({ aud: "partner", sub: "user_john" });
  });

  it("signs with the template's own RSA private key", async () => {
    const { issuer } = await testIssuer();
    const { privateKey, publicKey } = await generateKeyPair("RS384", { extractable: true });
    const template = templateRecord({ custom_signing: { algorithm: "RS384", key: await exportPKCS8(privateKey) } });
    const jwt = await mintTemplateToken({ issuer, template, session: sessionRecord(), user: john, now: NOW });
    const { payload } = await jwtVerify(jwt, publicKey, { currentDate: new Date(NOW * 1000) });
    expect(payload.sub).toBe("user_john");
  });
});
