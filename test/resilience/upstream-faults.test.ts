import type { TypedDocumentNode } from "@graphql-typed-document-node/core";
import { parse } from "graphql";
import { createServer, type Socket } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { CreateLinkTokenDocument, ExchangePublicTokenDocument, RemoveItemDocument, RemoveUserItemsDocument } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { createSandboxItem, createSettledItem } from "../support/link-helpers.js";
import { listenOnLoopback } from "../support/tcp-proxy.js";
import { waitUntil } from "../support/wait-until.js";

/** A query of this file, typed by what it selects. */
const query = <T>(source: string) => parse(source) as TypedDocumentNode<T, { id: string }>;

interface ItemFields {
  id: string;
  status: string;
  institution: { id: string; name: string };
  syncedAt: string;
  accounts: Array<{ id: string; name: string; mask: string | null }>;
}

const ITEM = query<{ item: ItemFields }>(`query ItemFields($id: ID!) {
  item(id: $id) { id status institution { id name } syncedAt accounts { id name mask } }
}`);
const ITEM_AND_CONSENT = query<{ item: Omit<ItemFields, "syncedAt"> & { consentEvents: { totalCount: number } | null } }>(`query ItemAndConsent($id: ID!) {
  item(id: $id) { id status institution { id name } accounts { id } consentEvents { totalCount } }
}`);
const CONSENT = query<{ item: { id: string; consentEvents: { totalCount: number } | null } }>(`query Consent($id: ID!) { item(id: $id) { id consentEvents { totalCount } } }`);
const ACCOUNTS = query<{ item: { id: string; accounts: Array<{ id: string }> } }>(`query Accounts($id: ID!) { item(id: $id) { id accounts { id } } }`);

/** Fast backoff so retried reads do not slow the suite; the policy is otherwise the production one. */
const FAST_BACKOFF = { backoffInitialDelayMs: 5, backoffMaxDelayMs: 20 };

describe("retries of idempotent reads, and writes that are never sent twice", () => {
  const { harness, tokens } = useTestGateway({
    env: { ITEM_SNAPSHOT_MAX_AGE_SECONDS: "0" },
    gateway: { plaidResilience: FAST_BACKOFF },
    users: { alice: "user", newcomer: "user" },
  });

  it("500 twice then 200: the Item query (/item/get and /accounts/get) succeeds on the third attempt, with nothing stale", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    await harness.fault({ path: "/item/get", status: 500, count: 2 });
    await harness.fault({ path: "/accounts/get", status: 500, count: 2 });
    const since = harness.exchanges.length;

    const result = await harness.graphql(ITEM, { id: itemId }, tokens.alice);

    expect(result.errors).toBeUndefined();
    expect(result.data!.item).toMatchObject({ id: itemId, status: "HEALTHY", accounts: expect.arrayContaining([expect.objectContaining({ id: expect.any(String) })]) });
    expect(result.extensions?.staleData).toBeUndefined();
    expect(harness.callsTo("/item/get", since, itemId)).toBe(3);
    expect(harness.callsTo("/accounts/get", since, itemId)).toBe(3);
    expect(
      harness.exchanges
        .slice(since)
        .filter((e) => e.path === "/item/get")
        .map((e) => e.status),
    ).toEqual([500, 500, 200]);
  });

  it("500 on every attempt: gives up after 3 attempts and serves the kept accounts, flagged stale", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    const before = await harness.graphql(ACCOUNTS, { id: itemId }, tokens.alice);
    await harness.fault({ path: "/accounts/get", status: 500, count: 3 });
    const since = harness.exchanges.length;

    const result = await harness.graphql(ACCOUNTS, { id: itemId }, tokens.alice);

    expect(result.errors).toBeUndefined();
    expect(result.data!.item.accounts).toEqual(before.data!.item.accounts);
    expect(harness.callsTo("/accounts/get", since, itemId)).toBe(3);
    expect(result.extensions?.staleData).toEqual([{ itemId, field: "accounts", fetchedAt: expect.any(String), reason: "UPSTREAM_UNAVAILABLE" }]);
  });

  it("PLANNED_MAINTENANCE: a read with nothing kept ends in a typed error after 3 attempts; a write after one", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    await harness.fault({ path: "/consent/events/get", status: 503, error_code: "PLANNED_MAINTENANCE", count: 3 });
    let since = harness.exchanges.length;

    const read = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);

    expect(read.data!.item).toEqual({ id: itemId, consentEvents: null });
    expect(read.errors?.[0]).toMatchObject({
      path: ["item", "consentEvents"],
      extensions: { code: "PLAID_ERROR", itemId, plaid: { errorType: "API_ERROR", errorCode: "PLANNED_MAINTENANCE" } },
    });
    expect(harness.callsTo("/consent/events/get", since, itemId)).toBe(3);

    await harness.fault({ path: "/link/token/create", status: 503, count: 1 });
    since = harness.exchanges.length;
    const write = await harness.graphql(CreateLinkTokenDocument, { input: { products: ["transactions"] } }, tokens.alice);
    expect(write.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "PLANNED_MAINTENANCE" } });
    expect(harness.callsTo("/link/token/create", since)).toBe(1);

    // Plaid is back: the same read answers.
    const again = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
    expect(again.errors).toBeUndefined();
  });

  it("/item/public_token/exchange failing with 500 is sent once; the public token is still good afterwards", async () => {
    const created = await harness.graphql(CreateLinkTokenDocument, { input: { products: ["transactions"] } }, tokens.alice);
    const linkToken = created.data!.createLinkToken.linkToken;
    // Another bank than Alice's Sandbox Items: the same accounts again would be refused as a duplicate Item before any exchange.
    const { public_token } = await harness.control<{ public_token: string }>("/simulator/link/complete", { link_token: linkToken, institution_id: "ins_109511" });
    await harness.fault({ path: "/item/public_token/exchange", status: 500, count: 1 });
    const since = harness.exchanges.length;

    const failed = await harness.graphql(ExchangePublicTokenDocument, { publicToken: public_token }, tokens.alice);

    expect(failed.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "INTERNAL_SERVER_ERROR" } });
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(1);
    const exchanged = await harness.graphql(ExchangePublicTokenDocument, { publicToken: public_token }, tokens.alice);
    expect(exchanged.errors).toBeUndefined();
    expect(harness.callsTo("/item/public_token/exchange", since)).toBe(2);
  });

  it("/item/remove, /user/items/remove, /user/create and /sandbox/public_token/create failing with 500 are each sent once", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    let since = harness.exchanges.length;
    await harness.fault({ path: "/item/remove", status: 500, count: 1 });
    expect((await harness.graphql(RemoveItemDocument, { itemId }, tokens.alice)).errors?.[0]?.extensions?.code).toBe("PLAID_ERROR");
    expect(harness.callsTo("/item/remove", since)).toBe(1);

    since = harness.exchanges.length;
    await harness.fault({ path: "/user/items/remove", status: 500, count: 1 });
    expect((await harness.graphql(RemoveUserItemsDocument, { itemIds: [itemId] }, tokens.alice)).errors?.[0]?.extensions?.code).toBe("PLAID_ERROR");
    expect(harness.callsTo("/user/items/remove", since)).toBe(1);

    since = harness.exchanges.length;
    await harness.fault({ path: "/user/create", status: 500, count: 1 });
    expect((await harness.graphql(CreateLinkTokenDocument, { input: { products: ["transactions"] } }, tokens.newcomer)).errors?.[0]?.extensions?.code).toBe("PLAID_ERROR");
    expect(harness.callsTo("/user/create", since)).toBe(1);

    since = harness.exchanges.length;
    await harness.fault({ path: "/sandbox/public_token/create", status: 500, count: 1 });
    await expect(createSandboxItem(harness, tokens.alice)).rejects.toThrow(/PLAID_ERROR/);
    expect(harness.callsTo("/sandbox/public_token/create", since)).toBe(1);
  });
});

describe("slow Plaid: per-endpoint timeouts that abort the request", () => {
  const { harness, tokens } = useTestGateway({ env: { ITEM_SNAPSHOT_MAX_AGE_SECONDS: "0", PLAID_TIMEOUT_MS: "300" }, users: { alice: "user" } });

  it("answers before Plaid does: snapshot fields still answer, kept accounts are flagged stale, Plaid-only fields are UPSTREAM_UNAVAILABLE", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    for (const path of ["/item/get", "/accounts/get", "/consent/events/get"]) await harness.fault({ path, latency_ms: 2_500, count: 1 });
    const since = harness.exchanges.length;

    const result = await harness.graphql(ITEM_AND_CONSENT, { id: itemId }, tokens.alice);

    // The simulator has not answered any of the three yet: the gateway gave up on its own.
    expect(harness.callsTo("/item/get", since) + harness.callsTo("/accounts/get", since) + harness.callsTo("/consent/events/get", since)).toBe(0);
    expect(result.data!.item).toMatchObject({ id: itemId, status: "HEALTHY", institution: { id: expect.any(String) }, accounts: expect.any(Array) });
    expect(result.data!.item.accounts.length).toBeGreaterThan(0);
    expect(result.data!.item.consentEvents).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]).toMatchObject({
      path: ["item", "consentEvents"],
      message: expect.stringMatching(/unavailable: no answer within 300 ms/),
      extensions: { code: "UPSTREAM_UNAVAILABLE", itemId },
    });
    expect(result.extensions?.staleData).toEqual(
      expect.arrayContaining([
        { itemId, field: "item", fetchedAt: expect.any(String), reason: "UPSTREAM_UNAVAILABLE" },
        { itemId, field: "accounts", fetchedAt: expect.any(String), reason: "UPSTREAM_UNAVAILABLE" },
      ]),
    );
    expect(result.extensions?.staleData).toHaveLength(2);

    // A timed-out read is not sent again: one request per endpoint reached the simulator in the end.
    await waitUntil(() => harness.exchanges.length - since >= 3, { timeoutMs: 15_000, what: "the slow answers" });
    expect(harness.callsTo("/item/get", since)).toBe(1);
    expect(harness.callsTo("/accounts/get", since)).toBe(1);
    expect(harness.callsTo("/consent/events/get", since)).toBe(1);
  });
});

describe("Plaid that accepts connections and never answers", () => {
  const sockets: Socket[] = [];
  let closedByGateway = 0;
  const blackhole = createServer((socket) => {
    sockets.push(socket);
    socket.on("data", () => {});
    socket.on("close", () => (closedByGateway += 1));
  });
  afterAll(async () => {
    for (const socket of sockets) socket.destroy();
    await new Promise<void>((resolve) => blackhole.close(() => resolve()));
  });
  // Plaid at the black hole's address instead of a simulator.
  const { harness, tokens } = useTestGateway(async () => ({
    env: { SIMULATOR_URL: `http://127.0.0.1:${await listenOnLoopback(blackhole)}`, PLAID_TIMEOUT_MS: "300" },
    users: { alice: "user" },
  }));

  it("fails with UPSTREAM_UNAVAILABLE after one attempt and closes the connection it opened", async () => {
    // The start's credentials check has knocked on the black hole already; what counts is this query's call.
    const before = sockets.length;
    const result = await harness.graphql(CreateLinkTokenDocument, { input: { products: ["transactions"] } }, tokens.alice);
    expect(result.errors?.[0]).toMatchObject({
      extensions: { code: "UPSTREAM_UNAVAILABLE" },
      message: expect.stringMatching(/\/user\/create is unavailable: no answer within 300 ms/),
    });
    expect(harness.plaidCalls.filter((call) => call.endpoint === "/user/create")).toHaveLength(1);
    expect(sockets.length - before).toBe(1);
    // The request was aborted, not left hanging: the gateway closed its socket.
    await waitUntil(() => closedByGateway === sockets.length, { timeoutMs: 5_000, what: "the gateway to close its socket" });
  });
});

describe("circuit breaker per endpoint family", () => {
  const { harness, tokens } = useTestGateway({ gateway: { plaidResilience: { ...FAST_BACKOFF, breakerHalfOpenAfterMs: 300 } }, users: { alice: "user" } });

  /** Five consecutive failures of /consent/events/get: three attempts of one query, two of the next. */
  async function openConsentCircuit(itemId: string) {
    await harness.fault({ path: "/consent/events/get", status: 500, count: 5 });
    const since = harness.exchanges.length;
    const first = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
    expect(first.errors?.[0]?.extensions).toMatchObject({ code: "PLAID_ERROR", plaid: { errorCode: "INTERNAL_SERVER_ERROR" } });
    const second = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
    expect(second.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(harness.callsTo("/consent/events/get", since)).toBe(5);
  }

  it("opens after 5 consecutive failures, fails fast without calling Plaid, leaves other families alone, and half-opens", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    await openConsentCircuit(itemId);

    const opened = harness.exchanges.length;
    const fastFail = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
    expect(fastFail.errors?.[0]).toMatchObject({
      message: expect.stringMatching(/^Plaid \/consent\/events\/get is unavailable: .*tried again after \d{4}-\d\d-\d\dT/),
      extensions: { code: "UPSTREAM_UNAVAILABLE", retryAt: expect.any(String) },
    });
    expect(harness.exchanges.length).toBe(opened);

    // Another family still reaches Plaid.
    const accounts = await harness.graphql(ACCOUNTS, { id: itemId }, tokens.alice);
    expect(accounts.errors).toBeUndefined();
    expect(accounts.extensions?.staleData).toBeUndefined();
    expect(harness.callsTo("/accounts/get", opened, itemId)).toBe(1);

    // Later one call is let through (half-open); it succeeds and the circuit closes.
    const beforeProbe = harness.callsTo("/consent/events/get");
    await waitUntil(async () => (await harness.graphql(CONSENT, { id: itemId }, tokens.alice)).errors === undefined, { what: "the circuit to half-open" });
    expect(harness.callsTo("/consent/events/get") - beforeProbe).toBe(1);
    const closed = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
    expect(closed.errors).toBeUndefined();
    expect(harness.callsTo("/consent/events/get") - beforeProbe).toBe(2);
  });

  it("a failed half-open probe opens the circuit again", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    await openConsentCircuit(itemId);
    await harness.fault({ path: "/consent/events/get", status: 500, count: 1 });

    const opened = harness.callsTo("/consent/events/get");
    await waitUntil(
      async () => {
        const result = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
        expect(result.errors?.[0]?.extensions?.code).toMatch(/UPSTREAM_UNAVAILABLE|PLAID_ERROR/);
        return harness.callsTo("/consent/events/get") > opened;
      },
      { what: "the half-open probe" },
    );
    expect(harness.callsTo("/consent/events/get") - opened).toBe(1);
    const again = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
    expect(again.errors?.[0]?.extensions?.code).toBe("UPSTREAM_UNAVAILABLE");
    expect(harness.callsTo("/consent/events/get") - opened).toBe(1);

    await waitUntil(async () => (await harness.graphql(CONSENT, { id: itemId }, tokens.alice)).errors === undefined, { what: "the circuit to close" });
  });
});

describe("per-Item 429: cool-down and stale data", () => {
  let clock = Date.now();
  const { harness, tokens } = useTestGateway({ env: { ITEM_SNAPSHOT_MAX_AGE_SECONDS: "0" }, gateway: { plaidResilience: { now: () => clock } }, users: { alice: "user" } });

  it("ACCOUNTS_LIMIT: kept accounts with extensions.staleData, and no further /accounts/get for that Item during the cool-down", async () => {
    const itemA = await createSandboxItem(harness, tokens.alice);
    const itemB = await createSandboxItem(harness, tokens.alice);
    await harness.settle();
    const fresh = await harness.graphql(ITEM, { id: itemA }, tokens.alice);
    expect(fresh.extensions?.staleData).toBeUndefined();
    await harness.fault({ path: "/accounts/get", status: 429, error_code: "ACCOUNTS_LIMIT", count: 1 });
    const since = harness.exchanges.length;

    const limited = await harness.graphql(ITEM, { id: itemA }, tokens.alice);

    expect(limited.errors).toBeUndefined();
    expect(limited.data!.item.accounts).toEqual(fresh.data!.item.accounts);
    expect(limited.extensions?.staleData).toEqual([{ itemId: itemA, field: "accounts", fetchedAt: expect.any(String), reason: "RATE_LIMITED" }]);
    expect(Number.isNaN(Date.parse(limited.extensions!.staleData![0]!.fetchedAt))).toBe(false);
    expect(harness.callsTo("/accounts/get", since, itemA)).toBe(1);

    for (let i = 0; i < 3; i++) {
      const again = await harness.graphql(ITEM, { id: itemA }, tokens.alice);
      expect(again.data!.item.accounts).toEqual(fresh.data!.item.accounts);
      expect(again.extensions?.staleData).toEqual([{ itemId: itemA, field: "accounts", fetchedAt: expect.any(String), reason: "RATE_LIMITED" }]);
    }
    expect(harness.callsTo("/accounts/get", since, itemA)).toBe(1);
    // /item/get for the same Item is another endpoint: still called each time (snapshot max age 0).
    expect(harness.callsTo("/item/get", since, itemA)).toBe(4);

    // The cool-down is per Item.
    const other = await harness.graphql(ITEM, { id: itemB }, tokens.alice);
    expect(other.extensions?.staleData).toBeUndefined();
    expect(harness.callsTo("/accounts/get", since, itemB)).toBe(1);

    // Once it is over, Plaid is asked again.
    clock += 61_000;
    const after = await harness.graphql(ITEM, { id: itemA }, tokens.alice);
    expect(after.extensions?.staleData).toBeUndefined();
    expect(harness.callsTo("/accounts/get", since, itemA)).toBe(2);
  });

  it("ITEM_GET_LIMIT: the stored snapshot answers, flagged stale, with no further /item/get for that Item during the cool-down", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    await harness.fault({ path: "/item/get", status: 429, error_code: "ITEM_GET_LIMIT", count: 1 });
    const since = harness.exchanges.length;

    const limited = await harness.graphql(ITEM, { id: itemId }, tokens.alice);
    expect(limited.errors).toBeUndefined();
    expect(limited.data!.item).toMatchObject({ status: "HEALTHY", institution: { id: expect.any(String) } });
    expect(limited.extensions?.staleData).toEqual([{ itemId, field: "item", fetchedAt: limited.data!.item.syncedAt, reason: "RATE_LIMITED" }]);

    await harness.graphql(ITEM, { id: itemId }, tokens.alice);
    await harness.graphql(ITEM, { id: itemId }, tokens.alice);
    expect(harness.callsTo("/item/get", since, itemId)).toBe(1);
    expect(harness.callsTo("/accounts/get", since, itemId)).toBe(3);
  });

  it("a 429 does not open the circuit", async () => {
    const itemId = await createSettledItem(harness, tokens.alice);
    await harness.fault({ path: "/consent/events/get", status: 429, error_code: "RATE_LIMIT", count: 6 });
    for (let i = 0; i < 6; i++) {
      clock += 61_000;
      const result = await harness.graphql(CONSENT, { id: itemId }, tokens.alice);
      expect(result.errors?.[0]?.extensions?.code).toBe("RATE_LIMITED");
    }
    clock += 61_000;
    const since = harness.exchanges.length;
    expect((await harness.graphql(CONSENT, { id: itemId }, tokens.alice)).errors).toBeUndefined();
    expect(harness.callsTo("/consent/events/get", since, itemId)).toBe(1);
  });
});
