/**
 * What the gateway logs about each request: one access line (method, path without query string,
 * status, duration, request id; never headers or bodies), the request id on every line logged while
 * serving it and in the errors the client sees, and Plaid's request_id on every upstream call's line.
 * Human-readable lines for the embedded default, JSON otherwise, redacted either way.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config.js";
import { createLogger, runInRequestScope } from "../../src/logger.js";
import { ViewerDocument } from "../../generated/graphql.js";
import { accessTokenOf, useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { createSettledItem, linkItemThroughLink } from "../support/link-helpers.js";
import { logEntries } from "../webhooks/webhook-support.js";

const ACCESS_LINE_KEYS = new Set(["level", "time", "pid", "hostname", "name", "component", "requestId", "method", "path", "status", "durationMs", "aborted", "msg"]);

const accessLines = (harness: TestGateway, requestId: string) =>
  logEntries(harness).filter((entry) => entry.component === "http" && entry.msg === "request" && entry.requestId === requestId);

describe("request logging", () => {
  const { harness, tokens } = useTestGateway({ users: { visitor: "user" } });
  /** Exchanged once already: Plaid refuses it the second time. */
  let usedPublicToken: string;

  beforeAll(async () => {
    await harness.graphql(ViewerDocument, {}, tokens.visitor);
    usedPublicToken = (await linkItemThroughLink(harness, tokens.visitor)).publicToken;
  });

  it("puts the caller's request id on the response, the error, the access line and the Plaid failure logged while serving it", async () => {
    const requestId = "ops-health-0001-abcdef";
    const response = await fetch(harness.gateway.graphqlUrl, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${tokens.visitor}`, "x-request-id": requestId },
      body: JSON.stringify({ query: "mutation Exchange($t: String!) { exchangePublicToken(publicToken: $t) { id } }", variables: { t: usedPublicToken } }),
    });
    const body = (await response.json()) as { errors: Array<{ extensions: { code: string; requestId: string; plaid: { requestId: string } } }> };
    expect(response.headers.get("x-request-id")).toBe(requestId);
    expect(body.errors[0]!.extensions).toMatchObject({ code: "PLAID_ERROR", requestId });
    const plaidRequestId = body.errors[0]!.extensions.plaid.requestId;
    expect(plaidRequestId).toEqual(expect.any(String));

    const lines = logEntries(harness).filter((entry) => entry.requestId === requestId);
    expect(lines.find((entry) => entry.msg === "plaid call failed")).toMatchObject({
      component: "plaid",
      endpoint: "/item/public_token/exchange",
      plaidErrorCode: "INVALID_PUBLIC_TOKEN",
      plaidRequestId,
    });
    expect(lines.find((entry) => entry.msg === "plaid call attempt failed")).toMatchObject({ plaidRequestId });
    const access = accessLines(harness, requestId);
    expect(access).toHaveLength(1);
    expect(access[0]).toMatchObject({ level: 30, method: "POST", path: "/graphql", status: 200, durationMs: expect.any(Number) });
    // The id is never written twice on one line.
    const raw = harness.logs.filter((line) => line.includes(requestId));
    expect(raw.length).toBe(lines.length);
    for (const line of raw) expect(line.split(`"requestId":"${requestId}"`).length - 1).toBe(1);
  });

  it("gives a request without a usable X-Request-Id a fresh one, the same in the header, the error and the log", async () => {
    for (const header of [undefined, "no spaces allowed in ids"]) {
      const response = await fetch(harness.gateway.graphqlUrl, {
        method: "POST",
        headers: { "content-type": "application/json", ...(header ? { "x-request-id": header } : {}) },
        body: JSON.stringify({ query: "query NoToken { viewer { id } }" }),
      });
      const body = (await response.json()) as { errors: Array<{ extensions: { code: string; requestId: string } }> };
      const requestId = response.headers.get("x-request-id")!;
      expect(requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(body.errors[0]!.extensions).toEqual({ code: "UNAUTHENTICATED", requestId });
      expect(accessLines(harness, requestId)).toMatchObject([{ method: "POST", path: "/graphql", status: 401 }]);
      if (header) expect(harness.logs.join("")).not.toContain(header);
    }
  });

  it("logs Plaid's request_id on the line of every Plaid call, under the id of the request that made it", async () => {
    const since = harness.plaidCalls.length;
    const itemId = await createSettledItem(harness, tokens.visitor);
    const calls = harness.plaidCalls.slice(since);
    expect(calls.map((call) => call.endpoint)).toEqual(expect.arrayContaining(["/sandbox/public_token/create", "/item/public_token/exchange"]));
    const entries = logEntries(harness);
    for (const call of calls) {
      expect(call.requestId, call.endpoint).toEqual(expect.any(String));
      const line = entries.find((entry) => entry.component === "plaid" && entry.plaidRequestId === call.requestId);
      expect(line, `log line of ${call.endpoint}`).toMatchObject({ endpoint: call.endpoint, requestId: expect.any(String) });
    }
    expect(harness.logs.join("")).not.toContain(accessTokenOf(harness, itemId));
  });

  it("writes one access line per request: path without query string, no headers, no body", async () => {
    const requestIds = ["ops-health-0003-healthz", "ops-health-0004-missing", "ops-health-0005-webhook"];
    await fetch(`${harness.gateway.url}/healthz?token=query-string-value`, { headers: { "x-request-id": requestIds[0]!, cookie: "session=cookie-value" } });
    await fetch(`${harness.gateway.url}/no/such/path?q=query-string-value`, { headers: { "x-request-id": requestIds[1]! } });
    await fetch(`${harness.gateway.url}/webhooks/plaid`, {
      method: "POST",
      headers: { "x-request-id": requestIds[2]!, "content-type": "application/json", "plaid-verification": "header-value-not-a-jwt" },
      body: JSON.stringify({ webhook_type: "ITEM", webhook_code: "ERROR", marker: "body-value" }),
    });
    const [healthz, missing, webhook] = requestIds.map((id) => accessLines(harness, id));
    expect(healthz).toMatchObject([{ level: 20, method: "GET", path: "/healthz", status: 200 }]);
    expect(missing).toMatchObject([{ level: 30, method: "GET", path: "/no/such/path", status: 404 }]);
    expect(webhook).toMatchObject([{ level: 30, method: "POST", path: "/webhooks/plaid", status: 401 }]);
    for (const line of [...healthz!, ...missing!, ...webhook!]) {
      expect(Object.keys(line).filter((key) => !ACCESS_LINE_KEYS.has(key))).toEqual([]);
    }
    const text = harness.logs.join("");
    for (const leak of ["query-string-value", "cookie-value", "header-value-not-a-jwt", "body-value"]) expect(text).not.toContain(leak);
  });

  it("GraphQL errors from the HTTP layer carry the same id as the access line", async () => {
    const result = await harness.graphql("query Broken { nope }", {}, tokens.visitor, { "x-request-id": "ops-health-0006-broken" });
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: "GRAPHQL_VALIDATION_FAILED", requestId: "ops-health-0006-broken" });
    expect(accessLines(harness, "ops-health-0006-broken")).toMatchObject([{ status: 400 }]);
  });
});

describe("log lines outside the gateway's HTTP server", () => {
  const capture = (format: "json" | "pretty") => {
    const lines: string[] = [];
    const logger = createLogger({ level: "debug", format, destination: { write: (line: string) => void lines.push(line) } });
    return { logger, lines };
  };

  it("carry the request id of the request they are logged for, once, even from a logger that binds its own", () => {
    const { logger, lines } = capture("json");
    runInRequestScope("scope-id-0001", () => {
      logger.info("inside");
      logger.child({ component: "x" }).info("child inside");
      logger.child({ requestId: "bound-id-0001" }).info("bound inside");
      logger.info({ requestId: "explicit-id-0001" }, "explicit inside");
    });
    logger.info("outside");
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(parsed.map((entry) => entry.requestId)).toEqual(["scope-id-0001", "scope-id-0001", "bound-id-0001", "explicit-id-0001", undefined]);
    for (const line of lines) expect(line.split('"requestId"').length - 1).toBeLessThanOrEqual(1);
  });

  it("are human-readable in the pretty format, and redacted and scrubbed all the same", () => {
    const { logger, lines } = capture("pretty");
    const accessToken = "access-sandbox-8ab976e6-64bc-4b38-98f7-731e7a349970";
    logger.info({ access_token: accessToken, endpoint: "/item/get" }, "plaid call");
    logger.warn(`token ${accessToken} in a message`);
    const text = lines.join("");
    expect(() => JSON.parse(lines[0]!)).toThrow();
    expect(text).toMatch(/INFO.*plaid call/);
    expect(text).toMatch(/WARN.*in a message/);
    expect(text).toContain("/item/get");
    expect(text).not.toContain(accessToken);
    expect(text).toContain("[redacted]");
  });
});

describe("LOG_FORMAT", () => {
  it("is pretty for the embedded default and JSON once a database, Redis or auth is configured", () => {
    expect(loadConfig({}).logFormat).toBe("pretty");
    expect(loadConfig({ DATABASE_URL: "postgres://db/app" }).logFormat).toBe("json");
    expect(loadConfig({ REDIS_URL: "redis://cache:6379" }).logFormat).toBe("json");
    expect(loadConfig({ AUTH_JWT_SECRET: "s".repeat(32) }).logFormat).toBe("json");
    expect(loadConfig({ AUTH_JWKS_URL: "https://id.example.com/jwks.json" }).logFormat).toBe("json");
  });

  it("is what LOG_FORMAT says when set, and refuses anything but json or pretty", () => {
    expect(loadConfig({ LOG_FORMAT: "json" }).logFormat).toBe("json");
    expect(loadConfig({ LOG_FORMAT: "PRETTY", DATABASE_URL: "postgres://db/app" }).logFormat).toBe("pretty");
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow(ConfigError);
    expect(() => loadConfig({ LOG_FORMAT: "xml" })).toThrow(/LOG_FORMAT: must be json or pretty/);
  });
});
