import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT } from "jose";
import { randomBytes } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Authenticator } from "../../src/auth/authenticator.js";
import { signDevToken } from "../../src/auth/dev-token.js";

const secret = randomBytes(32);

const reason = async (promise: Promise<unknown>): Promise<string> => {
  try {
    await promise;
  } catch (error) {
    expect((error as { code?: string }).code).toBe("UNAUTHENTICATED");
    return (error as Error).message;
  }
  throw new Error("expected UNAUTHENTICATED");
};

describe("bearer tokens signed with the gateway's HS256 secret", () => {
  const auth = new Authenticator({ secret });

  it("turns a valid token into its viewer, admin when roles says so", async () => {
    const alice = await auth.authenticate(`Bearer ${await signDevToken(secret, { user: "alice" })}`);
    expect(alice).toMatchObject({ clientUserId: "alice", isAdmin: false });
    const admin = await auth.authenticate(`bearer ${await signDevToken(secret, { user: "root", admin: true })}`);
    expect(admin).toMatchObject({ clientUserId: "root", isAdmin: true });
  });

  it("refuses a missing header or one that is not a bearer token", async () => {
    expect(await reason(auth.authenticate(undefined))).toMatch(/Missing bearer token/);
    expect(await reason(auth.authenticate("Basic dXNlcjpwYXNz"))).toMatch(/bearer token/);
    expect(await reason(auth.authenticate("Bearer"))).toMatch(/bearer token/);
  });

  it("refuses an expired token", async () => {
    const expired = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice").setIssuedAt(1_600_000_000).setExpirationTime(1_600_000_100).sign(secret);
    expect(await reason(auth.authenticate(`Bearer ${expired}`))).toBe("Token expired");
  });

  it("refuses a token signed with another secret, an unsigned token and garbage", async () => {
    const forged = await signDevToken(randomBytes(32), { user: "alice" });
    expect(await reason(auth.authenticate(`Bearer ${forged}`))).toBe("Invalid token");
    const unsigned = new UnsecuredJWT({ sub: "alice" }).encode();
    expect(await reason(auth.authenticate(`Bearer ${unsigned}`))).toBe("Invalid token");
    expect(await reason(auth.authenticate("Bearer not.a.jwt"))).toBe("Invalid token");
  });

  it("refuses a token that never expires", async () => {
    const forever = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setSubject("alice").setIssuedAt().sign(secret);
    expect(await reason(auth.authenticate(`Bearer ${forever}`))).toBe("Invalid token");
  });

  it("refuses a token whose subject cannot be a user id", async () => {
    const noSubject = await new SignJWT({}).setProtectedHeader({ alg: "HS256" }).setExpirationTime("1h").sign(secret);
    expect(await reason(auth.authenticate(`Bearer ${noSubject}`))).toMatch(/subject/);
    const tooLong = await signDevToken(secret, { user: "x".repeat(129) });
    expect(await reason(auth.authenticate(`Bearer ${tooLong}`))).toMatch(/subject/);
    const control = await signDevToken(secret, { user: "bad\nname" });
    expect(await reason(auth.authenticate(`Bearer ${control}`))).toMatch(/subject/);
  });

  it("checks issuer and audience when they are configured", async () => {
    const strict = new Authenticator({ secret, issuer: "https://id.example", audience: "gateway" });
    const right = await signDevToken(secret, { user: "alice", issuer: "https://id.example", audience: "gateway" });
    expect((await strict.authenticate(`Bearer ${right}`)).clientUserId).toBe("alice");
    const wrongAudience = await signDevToken(secret, { user: "alice", issuer: "https://id.example", audience: "other" });
    expect(await reason(strict.authenticate(`Bearer ${wrongAudience}`))).toBe("Invalid token");
    const noIssuer = await signDevToken(secret, { user: "alice", audience: "gateway" });
    expect(await reason(strict.authenticate(`Bearer ${noIssuer}`))).toBe("Invalid token");
  });

  it("never echoes the token in its errors", async () => {
    const forged = await signDevToken(randomBytes(32), { user: "alice" });
    expect(await reason(auth.authenticate(`Bearer ${forged}`))).not.toContain(forged.slice(0, 20));
  });
});

describe("bearer tokens from an identity provider's JWKS", () => {
  let server: Server;
  let jwksUrl: string;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>["privateKey"];

  beforeAll(async () => {
    const pair = await generateKeyPair("RS256");
    privateKey = pair.privateKey;
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: "k1", alg: "RS256", use: "sig" };
    server = createServer((_req, res) => {
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it("accepts a token signed by a key in the set", async () => {
    const auth = new Authenticator({ jwksUrl });
    const token = await new SignJWT({ roles: ["admin"] }).setProtectedHeader({ alg: "RS256", kid: "k1" }).setSubject("carol").setExpirationTime("5m").sign(privateKey);
    expect(await auth.authenticate(`Bearer ${token}`)).toMatchObject({ clientUserId: "carol", isAdmin: true });
  });

  it("refuses an HS256 token, whatever secret signed it", async () => {
    const auth = new Authenticator({ jwksUrl });
    const hs = await signDevToken(secret, { user: "carol" });
    expect(await reason(auth.authenticate(`Bearer ${hs}`))).toBe("Invalid token");
  });

  it("refuses a token signed by a key not in the set", async () => {
    const auth = new Authenticator({ jwksUrl });
    const other = await generateKeyPair("RS256");
    const token = await new SignJWT({}).setProtectedHeader({ alg: "RS256", kid: "k1" }).setSubject("carol").setExpirationTime("5m").sign(other.privateKey);
    expect(await reason(auth.authenticate(`Bearer ${token}`))).toBe("Invalid token");
  });
});
