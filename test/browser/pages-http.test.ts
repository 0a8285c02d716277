import type { Request } from "express";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Script } from "node:vm";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { BROWSER_BUNDLES_DIR, fromLoopback } from "../../src/http/page-assets.js";
import { CreateLinkTokenDocument, CreateUpdateLinkTokenDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway, withTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem } from "../support/link-helpers.js";

const API_CSP = "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'";
const HTML = { accept: "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" };
const LINK_COMPLETE = "/dashboard/simulator/link/complete";

/** The same-origin script, style and icon URLs a page references. */
function assetUrls(html: string): string[] {
  return [...html.matchAll(/<(?:script|link)\b[^>]*\b(?:src|href)="([^"]+)"/g)].map((match) => match[1]!.replace(/&amp;/g, "&")).filter((url) => url !== "data:,");
}

function policyOf(response: Response): Map<string, string> {
  return new Map(
    (response.headers.get("content-security-policy") ?? "").split(";").map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/);
      return [name!, values.join(" ")];
    }),
  );
}

describe("the browser pages over HTTP", () => {
  const { harness } = useTestGateway();
  let url: string;

  beforeAll(() => {
    url = harness.gateway.url;
  });

  it("serves GraphiQL at / and to browsers at /graphql, with a page policy that allows only this origin", async () => {
    for (const path of ["/", "/graphql", "/graphql?query=%7B%20viewer%20%7B%20id%20%7D%20%7D"]) {
      const response = await fetch(`${url}${path}`, { headers: HTML });
      expect(response.status, path).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/html/);
      expect(response.headers.get("cache-control")).toBe("no-store");
      const policy = policyOf(response);
      expect(policy.get("default-src")).toBe("'none'");
      expect(policy.get("script-src")).toBe("'self'");
      expect(policy.get("connect-src")).toBe("'self'");
      expect(policy.get("worker-src")).toBe("'self'");
      expect(policy.get("frame-ancestors")).toBe("'none'");
      expect([...policy.values()].join(" ")).not.toMatch(/https?:|\*|unsafe-eval/);
      const html = await response.text();
      expect(html).toContain('id="graphiql-config"');
      // No inline script: every executable script is a same-origin file.
      expect(html.match(/<script(?![^>]*\bsrc=)(?![^>]*type="application\/json")[^>]*>/g)).toBeNull();
      for (const asset of assetUrls(html)) expect(asset, asset).toMatch(/^\/assets\/[a-z0-9.-]+\?v=[0-9a-f]{16}$/);
    }
  });

  it("keeps /graphql the JSON API for everything that is not a browser asking for HTML", async () => {
    const plain = await fetch(`${url}/graphql`);
    expect(plain.status).toBe(400);
    expect(plain.headers.get("content-type")).toMatch(/^application\/json/);
    expect(plain.headers.get("content-security-policy")).toBe(API_CSP);
    const json = await fetch(`${url}/graphql?query=${encodeURIComponent("{ viewer { id } }")}`, { headers: { accept: "application/json", "apollo-require-preflight": "1" } });
    expect(json.status).toBe(401);
    expect(json.headers.get("content-security-policy")).toBe(API_CSP);
    const post = await fetch(`${url}/graphql`, { method: "POST", headers: { ...HTML, "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { id } }" }) });
    expect(post.status).toBe(401);
    expect(post.headers.get("content-security-policy")).toBe(API_CSP);
  });

  it("serves every asset from this process: right types, cacheable, gzip, no remote URL in the GraphiQL bundle", async () => {
    const pages = await Promise.all(["/", "/dashboard"].map(async (path) => (await fetch(`${url}${path}`, { headers: HTML })).text()));
    const assets = [...new Set(pages.flatMap(assetUrls))];
    expect(assets.map((asset) => asset.replace(/\?.*/, "")).sort()).toEqual(
      ["/assets/dashboard.css", "/assets/dashboard.js", "/assets/graphiql-favicon.ico", "/assets/graphiql-start.js", "/assets/graphiql.css", "/assets/graphiql.js"].sort(),
    );
    for (const asset of assets) {
      const response = await fetch(`${url}${asset}`);
      expect(response.status, asset).toBe(200);
      expect(response.headers.get("cache-control")).toBe("public, max-age=31536000, immutable");
      expect(response.headers.get("content-type")).toMatch(/^(text\/javascript|text\/css|image\/x-icon)/);
      expect(response.headers.get("x-content-type-options")).toBe("nosniff");
      const body = await response.text();
      if (asset.startsWith("/assets/graphiql.css")) {
        // Fonts and images are inlined as data: URLs.
        expect(body.match(/url\((?!["']?data:)[^)]*\)/g)).toBeNull();
        expect(body).not.toMatch(/@import/);
      }
      if (asset.endsWith(".js")) expect(body).not.toMatch(/(unpkg\.com|jsdelivr|cdnjs|fonts\.googleapis|embeddable-sandbox|apollographql\.com)/);
    }
    const bundle = assets.find((asset) => asset.startsWith("/assets/graphiql.js"))!;
    const etag = (await fetch(`${url}${bundle}`)).headers.get("etag")!;
    expect((await fetch(`${url}${bundle}`, { headers: { "if-none-match": etag } })).status).toBe(304);
    // Node's fetch asks for gzip and unpacks it; the header tells it was compressed.
    const gzipped = await fetch(`${url}${bundle}`, { headers: { "accept-encoding": "gzip" } });
    expect(gzipped.headers.get("content-encoding")).toBe("gzip");
    expect(Number(gzipped.headers.get("content-length"))).toBeLessThan(3_000_000);
    expect((await fetch(`${url}/assets/nothing.js`)).status).toBe(404);
  });

  it("serves the pages' own bundles (src/browser, built by esbuild) as built, under URLs carrying their content hash", async () => {
    const pages = await Promise.all(["/", "/dashboard"].map(async (path) => (await fetch(`${url}${path}`, { headers: HTML })).text()));
    const urls = new Map(pages.flatMap(assetUrls).map((asset) => [asset.replace(/^\/assets\/|\?.*$/g, ""), asset]));
    for (const [name, type] of [
      ["dashboard.js", /^text\/javascript/],
      ["dashboard.css", /^text\/css/],
      ["graphiql-start.js", /^text\/javascript/],
    ] as const) {
      const built = readFileSync(join(BROWSER_BUNDLES_DIR, name));
      const asset = urls.get(name);
      expect(asset, name).toBe(`/assets/${name}?v=${createHash("sha256").update(built).digest("hex").slice(0, 16)}`);
      const response = await fetch(`${url}${asset}`);
      expect(response.status, name).toBe(200);
      expect(response.headers.get("content-type"), name).toMatch(type);
      const body = await response.text();
      expect(body, name).toBe(built.toString("utf8"));
      // A classic script (IIFE): it compiles as one, with no module syntax a <script src> would refuse.
      if (name.endsWith(".js")) expect(() => new Script(body, { filename: name }), name).not.toThrow();
      else expect(body).toContain("#live-status");
    }
  });

  it("serves the dashboard with a policy without inline styles, fonts or workers", async () => {
    const response = await fetch(`${url}/dashboard`, { headers: HTML });
    expect(response.status).toBe(200);
    const policy = policyOf(response);
    expect(policy.get("script-src")).toBe("'self'");
    expect(policy.get("style-src")).toBe("'self'");
    expect(policy.has("worker-src")).toBe(false);
    const html = await response.text();
    expect(html).toContain('id="dashboard-config"');
    expect(html).toContain(`"linkCompletePath":"${LINK_COMPLETE}"`);
    // The gateway has a configured secret: no token in the page.
    expect(html).toMatch(/<textarea id="token"[^>]*><\/textarea>/);
  });

  describe("POST /dashboard/simulator/link/complete", () => {
    let alice: string;
    let bob: string;
    let admin: string;
    let aliceItem: string;

    const complete = (body: unknown, token?: string) =>
      fetch(`${url}${LINK_COMPLETE}`, {
        method: "POST",
        headers: { "content-type": "application/json", ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify(body),
      });

    const updateLinkToken = async (itemId: string, token: string) => {
      const created = await harness.graphql(CreateUpdateLinkTokenDocument, { input: { itemId } }, token);
      expect(created.errors).toBeUndefined();
      return created.data!.createUpdateLinkToken.linkToken;
    };

    beforeAll(async () => {
      alice = await harness.token("alice");
      bob = await harness.token("bob");
      admin = await harness.token("ops", { admin: true });
      aliceItem = await createSandboxItem(harness, alice);
    });

    it("needs a bearer token", async () => {
      const response = await complete({ linkToken: "link-sandbox-x" });
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toBe("Bearer");
      expect(response.headers.get("content-security-policy")).toBe(API_CSP);
    });

    it("refuses a body without a link token", async () => {
      for (const body of [{}, { linkToken: 42 }, { linkToken: "x".repeat(300) }]) {
        expect((await complete(body, alice)).status).toBe(400);
      }
    });

    it("answers another user's link token, and one the gateway never made, as not found, and the simulator is not told", async () => {
      const linkToken = await updateLinkToken(aliceItem, alice);
      const before = harness.callsTo("/item/get");
      for (const [token, body] of [
        [bob, { linkToken }],
        [alice, { linkToken: "link-sandbox-00000000-0000-4000-8000-000000000000" }],
      ] as const) {
        const response = await complete(body, token);
        expect(response.status).toBe(404);
        expect(await response.json()).toMatchObject({ code: "NOT_FOUND" });
      }
      // The session is still open: alice can finish it.
      const own = await complete({ linkToken }, alice);
      expect(own.status).toBe(200);
      expect(harness.callsTo("/item/get")).toBe(before);
    });

    it("completes only update-mode link tokens", async () => {
      const created = await harness.graphql(CreateLinkTokenDocument, { input: { products: ["transactions"] } }, alice);
      const response = await complete({ linkToken: created.data!.createLinkToken.linkToken }, alice);
      expect(response.status).toBe(400);
      expect((await response.json()) as { error: string }).toMatchObject({ error: expect.stringMatching(/update-mode/) });
    });

    it("repairs the owner's Item at the simulator and answers only its id; completeUpdate then finds it healthy", async () => {
      await harness.graphql(SandboxResetLoginDocument, { itemId: aliceItem }, alice);
      await harness.settle();
      const linkToken = await updateLinkToken(aliceItem, alice);
      const response = await complete({ linkToken }, alice);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ itemId: aliceItem });
      const completed = await harness.graphql("mutation($id: ID!) { completeUpdate(itemId: $id) { status } }", { id: aliceItem }, alice);
      expect(completed.data).toEqual({ completeUpdate: { status: "HEALTHY" } });
    });

    it("lets an admin finish the update-mode Link of any Item, as createUpdateLinkToken does", async () => {
      const linkToken = await updateLinkToken(aliceItem, admin);
      const response = await complete({ linkToken }, admin);
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ itemId: aliceItem });
    });
  });
});

describe("outside simulator mode", () => {
  it("has no Link completion route, and the dashboard offers the Sandbox actions without Complete update", async () => {
    await withTestGateway({ env: { PLAID_ENV: "sandbox" } }, async (sandbox) => {
      const token = await sandbox.token("alice");
      const response = await fetch(`${sandbox.gateway.url}${LINK_COMPLETE}`, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${token}` },
        body: JSON.stringify({ linkToken: "link-sandbox-00000000-0000-4000-8000-000000000000" }),
      });
      expect(response.status).toBe(404);
      const dashboard = await (await fetch(`${sandbox.gateway.url}/dashboard`, { headers: HTML })).text();
      expect(dashboard).toMatch(/"sandboxActions":true,"linkCompletePath":null/);
    });
  });
});

describe("the development token on the pages", () => {
  it("is pre-filled in the embedded default (no configured auth), for browsers on this machine only", async () => {
    await withTestGateway({ env: { AUTH_JWT_SECRET: "" } }, async (embedded) => {
      const token = await embedded.token("developer", { admin: true });
      embedded.gateway.showDevelopmentToken(token);
      const dashboard = await (await fetch(`${embedded.gateway.url}/dashboard`, { headers: HTML })).text();
      expect(dashboard).toContain(`>${token}</textarea>`);
      const graphiql = await (await fetch(`${embedded.gateway.url}/`, { headers: HTML })).text();
      expect(graphiql).toContain(`Bearer ${token}`);
      // A browser reaching this machine through a tunnel or proxy does not get it.
      for (const headers of [{ "x-forwarded-for": "203.0.113.9" }, { forwarded: "for=203.0.113.9" }, { "x-forwarded-host": "abc.tunnel.example" }] as Array<
        Record<string, string>
      >) {
        const page = await (await fetch(`${embedded.gateway.url}/dashboard`, { headers: { ...HTML, ...headers } })).text();
        expect(page).not.toContain(token);
      }
    });
    const loopback = (remoteAddress: string) => fromLoopback({ socket: { remoteAddress }, headers: { host: "127.0.0.1:4000" } } as unknown as Request);
    expect(["127.0.0.1", "::1", "::ffff:127.0.0.1"].map(loopback)).toEqual([true, true, true]);
    expect(["10.0.0.7", "::ffff:192.168.1.5", "2001:db8::1", ""].map(loopback)).toEqual([false, false, false, false]);
    // Another Host (a tunnel's name, or DNS rebinding to 127.0.0.1) is not this machine's browser.
    const withHost = (host: string) => fromLoopback({ socket: { remoteAddress: "127.0.0.1" }, headers: { host } } as unknown as Request);
    expect(["localhost:4000", "127.0.0.1", "[::1]:4000"].map(withHost)).toEqual([true, true, true]);
    expect(["abc.tunnel.example", "evil.example:4000", ""].map(withHost)).toEqual([false, false, false]);
  });

  it("is never shown once the gateway has a public address", async () => {
    await withTestGateway({ env: { AUTH_JWT_SECRET: "", PUBLIC_URL: "https://gateway.example.com" } }, async (published) => {
      const token = await published.token("developer", { admin: true });
      published.gateway.showDevelopmentToken(token);
      const dashboard = await (await fetch(`${published.gateway.url}/dashboard`, { headers: HTML })).text();
      expect(dashboard).not.toContain(token);
    });
  });

  it("is never shown when AUTH_JWT_SECRET is configured", async () => {
    await withTestGateway({}, async (configured) => {
      const token = await configured.token("developer", { admin: true });
      configured.gateway.showDevelopmentToken(token);
      const dashboard = await (await fetch(`${configured.gateway.url}/dashboard`, { headers: HTML })).text();
      expect(dashboard).toMatch(/<textarea id="token"[^>]*><\/textarea>/);
      const graphiql = await (await fetch(`${configured.gateway.url}/`, { headers: HTML })).text();
      expect(graphiql).not.toContain(token);
      expect(graphiql).toContain('"headers":"{}"');
    });
  });
});

describe("GRAPHIQL", () => {
  it("is on by default and off by default with NODE_ENV=production", () => {
    expect(loadConfig({}).graphiql).toBe(true);
    expect(loadConfig({ NODE_ENV: "production" }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: "production", GRAPHIQL: "on" }).graphiql).toBe(true);
    expect(loadConfig({ GRAPHIQL: "off" }).graphiql).toBe(false);
    expect(() => loadConfig({ GRAPHIQL: "maybe" })).toThrow(/GRAPHIQL/);
  });

  it("=off leaves / a 404 and /graphql the JSON API, and the dashboard without a GraphiQL link", async () => {
    await withTestGateway({ env: { GRAPHIQL: "off" } }, async (off) => {
      const root = await fetch(`${off.gateway.url}/`, { headers: HTML });
      expect(root.status).toBe(404);
      expect(await root.json()).toEqual({ error: "not found" });
      const graphql = await fetch(`${off.gateway.url}/graphql`, { headers: HTML });
      expect(graphql.headers.get("content-type")).toMatch(/^application\/json/);
      expect(graphql.headers.get("content-security-policy")).toBe(API_CSP);
      expect(await graphql.text()).not.toMatch(/<html/i);
      for (const asset of ["graphiql.js", "graphiql.css", "graphiql-start.js"]) expect((await fetch(`${off.gateway.url}/assets/${asset}`)).status).toBe(404);
      const dashboard = await (await fetch(`${off.gateway.url}/dashboard`, { headers: HTML })).text();
      expect(dashboard).not.toContain(">GraphiQL</a>");
    });
  });
});
