import { beforeAll, describe, expect, it } from "vitest";
import { useTestGateway, withTestGateway } from "../support/gateway-harness.js";

const APP_ORIGIN = "https://app.example.com";
const CSP = "default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'";
const CREATE_ITEM = "mutation { sandboxCreateItem { id } }";

/** The headers every answer carries, whatever the route or status. */
function expectSecurityHeaders(response: Response): void {
  const h = response.headers;
  expect(h.get("content-security-policy")).toBe(CSP);
  expect(h.get("x-content-type-options")).toBe("nosniff");
  expect(h.get("x-frame-options")).toBe("DENY");
  expect(h.get("referrer-policy")).toBe("no-referrer");
  expect(h.get("strict-transport-security")).toBe("max-age=31536000; includeSubDomains");
  expect(h.get("cross-origin-opener-policy")).toBe("same-origin");
  expect(h.get("cross-origin-resource-policy")).toBe("same-origin");
  expect(h.get("cache-control")).toBe("no-store");
  expect(h.get("x-powered-by")).toBeNull();
}

/** An error answer is short JSON: no HTML page, no stack trace, no file path. */
async function expectPlainJsonError(response: Response, status: number): Promise<void> {
  expect(response.status).toBe(status);
  expect(response.headers.get("content-type")).toMatch(/^application\/json/);
  const text = await response.text();
  expect(text).not.toMatch(/node_modules|\bat \w+ \(|<html/i);
}

describe("the HTTP surface", () => {
  const { harness, tokens } = useTestGateway({ users: { alice: "user" } });
  let graphqlUrl: string;
  let webhookUrl: string;

  const createItemCalls = () => harness.callsTo("/sandbox/public_token/create");

  beforeAll(() => {
    graphqlUrl = harness.gateway.graphqlUrl;
    webhookUrl = `${harness.gateway.url}/webhooks/plaid`;
  });

  describe("security headers", () => {
    it("are on a GraphQL answer, and the GraphQL endpoint still works under the strict policy", async () => {
      const response = await fetch(graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${tokens.alice}` },
        body: JSON.stringify({ query: "{ viewer { clientUserId } }" }),
      });
      expect(response.status).toBe(200);
      expectSecurityHeaders(response);
      expect(await response.json()).toEqual({ data: { viewer: { clientUserId: "alice" } } });
    });

    it("are on refusals, webhook answers, unknown paths and preflights too", async () => {
      const answers = await Promise.all([
        fetch(graphqlUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ query: "{ viewer { id } }" }) }),
        fetch(webhookUrl),
        fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" }),
        fetch(`${harness.gateway.url}/nowhere`),
        fetch(graphqlUrl, { method: "OPTIONS", headers: { origin: APP_ORIGIN, "access-control-request-method": "POST" } }),
      ]);
      for (const response of answers) expectSecurityHeaders(response);
      expect(answers.map((r) => r.status)).toEqual([401, 405, 401, 404, 400]);
    });
  });

  describe("CORS", () => {
    it("allows no browser origin by default", async () => {
      const preflight = await fetch(graphqlUrl, {
        method: "OPTIONS",
        headers: { origin: APP_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
      });
      expect(preflight.headers.get("access-control-allow-origin")).toBeNull();
      const post = await fetch(graphqlUrl, {
        method: "POST",
        headers: { origin: APP_ORIGIN, "content-type": "application/json", authorization: `Bearer ${tokens.alice}` },
        body: JSON.stringify({ query: "{ viewer { id } }" }),
      });
      expect(post.headers.get("access-control-allow-origin")).toBeNull();
    });

    it("allows exactly the origins in CORS_ORIGINS, without credentials", async () => {
      await withTestGateway({ env: { CORS_ORIGINS: `${APP_ORIGIN},http://localhost:3000` } }, async (allowed) => {
        const preflight = await fetch(allowed.gateway.graphqlUrl, {
          method: "OPTIONS",
          headers: { origin: APP_ORIGIN, "access-control-request-method": "POST", "access-control-request-headers": "authorization,content-type" },
        });
        expect(preflight.status).toBe(204);
        expect(preflight.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
        expect(preflight.headers.get("access-control-allow-methods")).toBe("GET,POST");
        expect(preflight.headers.get("access-control-allow-headers")).toMatch(/authorization/);
        expect(preflight.headers.get("access-control-allow-credentials")).toBeNull();
        expect(preflight.headers.get("vary")).toMatch(/origin/i);

        const post = await fetch(allowed.gateway.graphqlUrl, {
          method: "POST",
          headers: { origin: APP_ORIGIN, "content-type": "application/json", authorization: `Bearer ${await allowed.token("bob")}` },
          body: JSON.stringify({ query: "{ viewer { clientUserId } }" }),
        });
        expect(post.status).toBe(200);
        expect(post.headers.get("access-control-allow-origin")).toBe(APP_ORIGIN);
        expect(post.headers.get("access-control-expose-headers")).toBe("x-request-id");

        for (const origin of ["https://evil.example", "https://app.example.com.evil.example", "null"]) {
          const other = await fetch(allowed.gateway.graphqlUrl, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST" } });
          expect(other.headers.get("access-control-allow-origin"), origin).toBeNull();
        }
      });
    });
  });

  describe("CSRF prevention", () => {
    it("refuses a mutation sent as a simple form POST, before anything runs", async () => {
      const before = createItemCalls();
      for (const [contentType, body] of [
        ["application/x-www-form-urlencoded", `query=${encodeURIComponent(CREATE_ITEM)}`],
        ["text/plain", JSON.stringify({ query: CREATE_ITEM })],
        ["multipart/form-data; boundary=x", `--x\r\nContent-Disposition: form-data; name="query"\r\n\r\n${CREATE_ITEM}\r\n--x--\r\n`],
      ]) {
        const response = await fetch(graphqlUrl, { method: "POST", headers: { "content-type": contentType!, authorization: `Bearer ${tokens.alice}` }, body });
        expect(response.status, contentType).toBe(400);
        expect(await response.text()).toMatch(/Cross-Site Request Forgery/);
      }
      expect(createItemCalls()).toBe(before);
    });

    it("refuses a mutation sent with GET, with or without the preflight header", async () => {
      const before = createItemCalls();
      const url = `${graphqlUrl}?query=${encodeURIComponent(CREATE_ITEM)}`;
      const simple = await fetch(url, { headers: { authorization: `Bearer ${tokens.alice}` } });
      expect(simple.status).toBe(400);
      expect(await simple.text()).toMatch(/Cross-Site Request Forgery/);
      const preflighted = await fetch(url, { headers: { authorization: `Bearer ${tokens.alice}`, "apollo-require-preflight": "true" } });
      expect(preflighted.status).toBe(405);
      expect(await preflighted.text()).toMatch(/GET requests only support query operations/);
      expect(createItemCalls()).toBe(before);
    });
  });

  describe("request ids on refusals", () => {
    const json = { "content-type": "application/json" };
    const refusals: Array<[string, (headers: Record<string, string>) => Promise<Response>]> = [
      ["a CSRF form POST", (h) => fetch(graphqlUrl, { method: "POST", headers: { ...h, "content-type": "text/plain" }, body: JSON.stringify({ query: CREATE_ITEM }) })],
      ["a GET mutation", (h) => fetch(`${graphqlUrl}?query=${encodeURIComponent(CREATE_ITEM)}`, { headers: h })],
      [
        "a batched request",
        (h) => fetch(graphqlUrl, { method: "POST", headers: { ...h, ...json }, body: JSON.stringify([{ query: "{ viewer { id } }" }, { query: "{ viewer { id } }" }]) }),
      ],
      ["malformed JSON", (h) => fetch(graphqlUrl, { method: "POST", headers: { ...h, ...json }, body: '{"query": ' })],
      [
        "an oversized body",
        (h) => fetch(graphqlUrl, { method: "POST", headers: { ...h, ...json }, body: JSON.stringify({ query: `{ viewer { id } } # ${"x".repeat(200_000)}` }) }),
      ],
      [
        "a missing token",
        (h) => fetch(graphqlUrl, { method: "POST", headers: { ...json, "x-request-id": h["x-request-id"] ?? "" }, body: JSON.stringify({ query: "{ viewer { id } }" }) }),
      ],
      ["an unknown field", (h) => fetch(graphqlUrl, { method: "POST", headers: { ...h, ...json }, body: JSON.stringify({ query: "{ viewer { nope } }" }) })],
    ];

    it.each(refusals)("%s answers errors whose requestId is the X-Request-Id sent", async (_what, send) => {
      const requestId = `careless-${Math.random().toString(36).slice(2, 10)}`;
      const response = await send({ authorization: `Bearer ${tokens.alice}`, "x-request-id": requestId });
      expect(response.status).toBeGreaterThanOrEqual(400);
      expect(response.headers.get("x-request-id")).toBe(requestId);
      const body = (await response.json()) as { errors?: Array<{ extensions?: { requestId?: unknown } }> };
      expect(body.errors?.length).toBeGreaterThan(0);
      for (const error of body.errors ?? []) expect(error.extensions?.requestId).toBe(requestId);
    });

    it.each(refusals)("%s without an X-Request-Id answers the generated one in both places", async (_what, send) => {
      const response = await send({ authorization: `Bearer ${tokens.alice}` });
      const requestId = response.headers.get("x-request-id");
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      const body = (await response.json()) as { errors?: Array<{ extensions?: { requestId?: unknown } }> };
      expect(body.errors?.[0]?.extensions?.requestId).toBe(requestId);
    });
  });

  describe("body size limits", () => {
    it("GraphQL: 100 kb; a larger body is 413 with a short JSON answer", async () => {
      const post = (padding: number) =>
        fetch(graphqlUrl, {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${tokens.alice}` },
          body: JSON.stringify({ query: "{ viewer { clientUserId } }", variables: { padding: "x".repeat(padding) } }),
        });
      const within = await post(90_000);
      expect(within.status).toBe(200);
      const over = await post(101 * 1024);
      await expectPlainJsonError(over, 413);
      expectSecurityHeaders(over);
    });

    it("webhooks: 64 kb", async () => {
      const over = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ padding: "x".repeat(65 * 1024) }) });
      await expectPlainJsonError(over, 413);
    });

    it("malformed JSON is a 400 without a stack trace", async () => {
      const response = await fetch(graphqlUrl, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${tokens.alice}` }, body: '{"query": ' });
      await expectPlainJsonError(response, 400);
    });
  });

  describe("the webhook route", () => {
    it.each(["GET", "PUT", "DELETE", "PATCH"])("answers %s with 405 and Allow: POST", async (method) => {
      const response = await fetch(webhookUrl, { method, ...(method === "GET" ? {} : { headers: { "content-type": "application/json" }, body: "{}" }) });
      expect(response.status).toBe(405);
      expect(response.headers.get("allow")).toBe("POST");
    });

    it.each(["text/plain", "application/x-www-form-urlencoded", "application/xml"])("answers a %s body with 415", async (contentType) => {
      const response = await fetch(webhookUrl, { method: "POST", headers: { "content-type": contentType }, body: "webhook_type=ITEM" });
      expect(response.status).toBe(415);
    });

    it("answers an unsigned JSON body with 401", async () => {
      const response = await fetch(webhookUrl, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR" }),
      });
      expect(response.status).toBe(401);
    });
  });
});
