import {
  getIntrospectionQuery,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isListType,
  isNonNullType,
  Kind,
  Lexer,
  parse,
  print,
  Source,
  TokenKind,
  typeFromAST,
  type DocumentNode,
  type GraphQLFormattedError,
  type GraphQLInputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from "graphql";
import type { Client } from "graphql-ws";
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import { COST, operationCost } from "../../src/graphql/query-cost.js";
import { GraphqlPipeline } from "../../src/graphql/pipeline.js";
import { createLogger } from "../../src/logger.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { MAX_PAGE_SIZE } from "../../src/services/pagination.js";
import * as generated from "../../generated/graphql.js";
import { ItemHistoryDocument, ItemsOverviewDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway, type GraphQLResult, type TestGateway } from "../support/gateway-harness.js";
import { useInSuite } from "../support/suite-fixture.js";
import { graphqlWsClient } from "../support/item-status-subscriptions.js";
import { createSandboxItem } from "../support/link-helpers.js";

// ---------------------------------------------------------------------------------------------------
// Documents

function tokenCount(text: string): number {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  while (lexer.advance().kind !== TokenKind.EOF) count++;
  return count;
}

/** The same selection under a query (the viewer's Items) and under a subscription (the event's Item). */
const overHttp = (inner: string) => `query { viewer { items { edges { node { ${inner} } } } } }`;
const overWs = (inner: string) => `subscription { itemStatusChanged { item { ${inner} } } }`;
type Wrap = typeof overHttp;
/** The levels each wrapper adds above the Item's fields: the viewer's Items are a connection (`edges { node }`). */
const WRAP_DEPTH = new Map<Wrap, number>([
  [overHttp, 4],
  [overWs, 2],
]);

/** From the Item down its history and back to the event's Item: each step's field, and the scalar that ends the chain there. */
const CHAIN: Array<[field: string, leaf: string]> = [
  ["history(first: 1)", "id"],
  ["edges", "totalCount"],
  ["node", "cursor"],
  ["item", "cause"],
];
const chain = (levels: number, step = 0): string => {
  const [field, leaf] = CHAIN[step % CHAIN.length]!;
  return levels === 1 ? leaf : `${field} { ${chain(levels - 1, step + 1)} }`;
};
/**
 * A document exactly `levels` deep. `accounts` calls Plaid (/accounts/get) when it runs, so a document
 * that ran would show in the simulator's traffic.
 */
const deep = (wrap: Wrap, levels: 10 | 11) => wrap(`accounts { id } ${chain(levels - WRAP_DEPTH.get(wrap)!)}`);
const aliases = (n: number) => `accounts { ${Array.from({ length: n }, (_, i) => `a${i}: id`).join(" ")} }`;
const directives = (n: number) => `accounts { ${Array.from({ length: n }, () => "id @include(if: true)").join(" ")} }`;
/**
 * A document of exactly `total` tokens, padded with a long list argument (a long run of one field
 * would trip GraphQL's own guard on overlapping fields instead).
 */
const tokens = (wrap: Wrap, total: number) => {
  const padded = (values: string) => wrap(`accounts { id } owner { items(status: [${values}]) { edges { node { id } } } }`);
  return padded("HEALTHY ".repeat(total - tokenCount(padded(""))));
};
/** A document of exactly `total` characters: the padding is a comment, which is not a token. */
const characters = (wrap: Wrap, total: number) => {
  const base = `${wrap("accounts { id }")}\n#`;
  return base + "x".repeat(total - base.length);
};

interface ExcessCase {
  name: string;
  /** Within the default limits (one step below `over`). */
  within: (wrap: Wrap) => string;
  over: (wrap: Wrap) => string;
  message: RegExp;
}

const EXCESS: ExcessCase[] = [
  { name: "depth 11", within: (wrap) => deep(wrap, 10), over: (wrap) => deep(wrap, 11), message: /^Query depth limit of 10 exceeded, found 11\.$/ },
  { name: "16 aliases", within: (wrap) => wrap(aliases(15)), over: (wrap) => wrap(aliases(16)), message: /^Aliases limit of 15 exceeded, found 16\.$/ },
  { name: "51 directives", within: (wrap) => wrap(directives(50)), over: (wrap) => wrap(directives(51)), message: /^Directives limit of 50 exceeded, found 51\.$/ },
  { name: "1,001 tokens", within: (wrap) => tokens(wrap, 1000), over: (wrap) => tokens(wrap, 1001), message: /^Token limit of 1000 exceeded\.$/ },
  {
    name: "15,001 characters",
    within: (wrap) => characters(wrap, 15_000),
    over: (wrap) => characters(wrap, 15_001),
    message: /^Document size limit of 15000 characters exceeded, found 15001\.$/,
  },
];

/** Over the cost limit while within every other limit (each document's cost is in its comment). */
const COSTLY = {
  /** 1 + 1 + 50 × (1 + accounts 35 + consentEvents (25 + 1 + 100 × 1)) = 8,102 */
  userHttp: `{ viewer { items { edges { node { accounts { id } consentEvents(first: 100) { edges { node { eventCode } } } } } } } }`,
  /** 3 + 1 + 50 × 162 = 8,104: the event's Item's owner has up to 50 Items on a page */
  userWs: `subscription { itemStatusChanged { item { owner { items { edges { node { accounts { id } consentEvents(first: 100) { edges { node { eventCode } } } } } } } } } }`,
  /** 1 + 100 × (1 + 35 + 1 + 100 × 1) = 13,701 */
  adminHttp: `{ items(first: 100) { edges { node { accounts { id } history(first: 100) { edges { node { cause } } } } } } }`,
  /** 3 + 100 × (3 + 100 × 1) = 10,303 */
  adminWs: `subscription { itemStatusChanged { item { history(first: 100) { edges { node { item { history(first: 100) { edges { node { cause } } } } } } } } } }`,
  /** $n = 5: 1 + 5 × (1 + 35 + 1 + 5) = 211; $n = 100: 13,701 */
  adminPaged: `query Paged($n: Int) { items(first: $n) { edges { node { accounts { id } history(first: $n) { edges { node { cause } } } } } } }`,
};

// ---------------------------------------------------------------------------------------------------
// Clients

/** A graphql-ws client of the suite's gateway for the whole describe, signed in with `token()`. */
function useWsClient(harness: TestGateway, token: () => string): Client {
  return useInSuite(
    "the WebSocket client",
    async () => graphqlWsClient(harness.gateway.graphqlUrl, token()),
    async (client) => {
      await client.dispose();
    },
  );
}

interface WsOutcome {
  /** Results sent with `next`. */
  results: Array<{ data?: unknown; errors?: readonly GraphQLFormattedError[] }>;
  /** Errors sent with `error` (the operation was refused). */
  errors?: readonly GraphQLFormattedError[];
}

/** Runs an operation over the WebSocket until the gateway completes it or refuses it. */
function overSocket(client: Client, query: string, variables?: Record<string, unknown>): Promise<WsOutcome> {
  return new Promise((resolve, reject) => {
    const results: WsOutcome["results"] = [];
    client.subscribe(
      { query, variables },
      {
        next: (result) => void results.push(result),
        error: (error) =>
          Array.isArray(error) ? resolve({ results, errors: error }) : reject(error instanceof Error ? error : new Error(`socket closed: ${JSON.stringify(error)}`)),
        complete: () => resolve({ results }),
      },
    );
  });
}

function expectRefusedOverHttp(result: GraphQLResult<unknown>, message: RegExp): void {
  expect(result.status).toBe(400);
  expect(result.data).toBeUndefined();
  expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  expect(result.errors?.map((error) => error.message)).toContainEqual(expect.stringMatching(message));
}

function expectRefusedOverWs(outcome: WsOutcome, message: RegExp): void {
  expect(outcome.results).toEqual([]);
  expect(outcome.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
  expect(outcome.errors?.map((error) => error.message)).toContainEqual(expect.stringMatching(message));
}

const NO_STACK = /stacktrace|\bat .+:\d+:\d+|\.ts:\d+/;

/**
 * Variables one letter off a name of the schema, and the name GraphQL would suggest: an enum value
 * (`ItemStatus`) and an input field (`CreateLinkTokenInput`). Neither operation runs: its variables are refused.
 */
const NEAR_MISS_VARIABLES: Array<[string, string, Record<string, unknown>, string]> = [
  ["an enum variable", `query ($status: [ItemStatus!]) { viewer { items(status: $status) { edges { node { id } } } } }`, { status: ["HEALTHYY"] }, "HEALTHY"],
  [
    "an input variable",
    `mutation ($input: CreateLinkTokenInput!) { createLinkToken(input: $input) { linkToken } }`,
    { input: { products: ["transactions"], langauge: "en" } },
    "language",
  ],
];

// ---------------------------------------------------------------------------------------------------

describe("query limits with the default configuration", () => {
  const { harness, tokens } = useTestGateway({ users: { limited: "user", overseer: "admin", subscriber: "user" } });
  const user = useWsClient(harness, () => tokens.limited);
  const admin = useWsClient(harness, () => tokens.overseer);
  let itemId: string;

  beforeAll(async () => {
    itemId = await createSandboxItem(harness, tokens.limited);
  });

  describe.each(EXCESS)("$name", ({ within, over, message }) => {
    it("the documents are what their name says", () => {
      for (const wrap of [overHttp, overWs]) {
        if (message.source.includes("Token")) {
          expect(tokenCount(within(wrap))).toBe(1000);
          expect(tokenCount(over(wrap))).toBe(1001);
        }
        if (message.source.includes("characters")) {
          expect(within(wrap)).toHaveLength(15_000);
          expect(over(wrap)).toHaveLength(15_001);
        }
      }
    });

    it("is refused over HTTP in validation, before any resolver or Plaid call", async () => {
      const before = harness.exchanges.length;
      expectRefusedOverHttp(await harness.graphql(over(overHttp), {}, tokens.limited), message);
      expect(harness.exchanges.length).toBe(before);
    });

    it("is refused over WebSocket (as a subscription), before any resolver or Plaid call", async () => {
      const before = harness.exchanges.length;
      expectRefusedOverWs(await overSocket(user, over(overWs)), message);
      expect(harness.exchanges.length).toBe(before);
    });

    it("one step less runs, over HTTP and over WebSocket, and calls Plaid", async () => {
      const before = harness.exchanges.length;
      const result = await harness.graphql(within(overHttp), {}, tokens.limited);
      expect(result.errors).toBeUndefined();
      expect(result.data).toMatchObject({ viewer: { items: { edges: [expect.anything()] } } });
      expect(harness.callsTo("/accounts/get", before)).toBe(1);

      const socketBefore = harness.exchanges.length;
      const outcome = await overSocket(user, within(overHttp));
      expect(outcome.errors).toBeUndefined();
      expect(outcome.results).toHaveLength(1);
      expect(outcome.results[0]!.errors).toBeUndefined();
      expect(harness.callsTo("/accounts/get", socketBefore)).toBe(1);
    });
  });

  it("the cost limit refuses a user's Items with 100 consent events each, over HTTP and WebSocket, without calling Plaid", async () => {
    const before = harness.exchanges.length;
    expectRefusedOverHttp(await harness.graphql(COSTLY.userHttp, {}, tokens.limited), /^Query cost limit of 5000 exceeded, found 8102\.$/);
    expectRefusedOverWs(await overSocket(user, COSTLY.userWs), /^Query cost limit of 5000 exceeded, found 8104\.$/);
    expectRefusedOverWs(await overSocket(user, COSTLY.userHttp), /^Query cost limit of 5000 exceeded, found 8102\.$/);
    expect(harness.exchanges.length).toBe(before);
  });

  it("the cost limit refuses an admin's page of 100 Items with nested connections, over HTTP and WebSocket", async () => {
    const before = harness.exchanges.length;
    expectRefusedOverHttp(await harness.graphql(COSTLY.adminHttp, {}, tokens.overseer), /^Query cost limit of 5000 exceeded, found 13701\.$/);
    expectRefusedOverWs(await overSocket(admin, COSTLY.adminWs), /^Query cost limit of 5000 exceeded, found 10303\.$/);
    expect(harness.exchanges.length).toBe(before);
  });

  it("the cost follows `first` from variables, on every request of the same document", async () => {
    const small = await harness.graphql(COSTLY.adminPaged, { n: 5 }, tokens.overseer);
    expect(small.errors).toBeUndefined();
    const before = harness.exchanges.length;
    expectRefusedOverHttp(await harness.graphql(COSTLY.adminPaged, { n: 100 }, tokens.overseer), /^Query cost limit of 5000 exceeded, found 13701\.$/);
    expectRefusedOverWs(await overSocket(admin, COSTLY.adminPaged, { n: 100 }), /^Query cost limit of 5000 exceeded, found 13701\.$/);
    expect(harness.exchanges.length).toBe(before);
    const again = await overSocket(admin, COSTLY.adminPaged, { n: 5 });
    expect(again.errors).toBeUndefined();
    expect(again.results[0]?.errors).toBeUndefined();
  });

  it("variables that do not fit are still BAD_USER_INPUT, not a cost error", async () => {
    const result = await harness.graphql(COSTLY.adminPaged, { n: "many" }, tokens.overseer);
    expect(result.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
  });

  it("the dashboard query runs over HTTP and over WebSocket", async () => {
    const result = await harness.graphql(ItemsOverviewDocument, {}, tokens.limited);
    expect(result.errors).toBeUndefined();
    expect(result.data?.viewer.items.edges.map((e) => e.node.id)).toEqual([itemId]);
    expect(result.data?.viewer.items.edges[0]?.node.accounts?.length).toBeGreaterThan(0);
    const outcome = await overSocket(user, print(ItemsOverviewDocument));
    expect(outcome.results).toEqual([{ data: result.data }]);
  });

  it("a subscription within the limits is served", async () => {
    // Another user, so that this Item's new status leaves the other tests' Item alone.
    const subscriber = graphqlWsClient(harness.gateway.graphqlUrl, tokens.subscriber);
    try {
      const subscribedItem = await createSandboxItem(harness, tokens.subscriber);
      const history = await harness.graphql(ItemHistoryDocument, { id: subscribedItem, first: 1 }, tokens.subscriber);
      const after = history.data?.item?.history.edges[0]?.node.cursor;
      expect(after).toEqual(expect.any(String));
      expect((await harness.graphql(SandboxResetLoginDocument, { itemId: subscribedItem }, tokens.subscriber)).data?.sandboxResetLogin.status).toBe("LOGIN_REQUIRED");
      await harness.settle();

      // Replayed from `after`, so the event is there whenever the subscription starts.
      const events = subscriber.iterate<{ itemStatusChanged: { itemId: string; status: string; item: { id: string } } }>({
        query: `subscription Changes($after: String) { itemStatusChanged(after: $after) { itemId status item { id } } }`,
        variables: { after },
      });
      const first = await events.next();
      await events.return?.();
      expect(first.value?.errors).toBeUndefined();
      expect(first.value?.data?.itemStatusChanged).toEqual({ itemId: subscribedItem, status: "LOGIN_REQUIRED", item: { id: subscribedItem } });
    } finally {
      await subscriber.dispose();
    }
  });

  it("introspection is allowed outside production, over HTTP and WebSocket", async () => {
    const query = `{ __schema { queryType { name } } __type(name: "Item") { name } }`;
    const result = await harness.graphql(query, {}, tokens.limited);
    expect(result.data).toEqual({ __schema: { queryType: { name: "Query" } }, __type: { name: "Item" } });
    const outcome = await overSocket(user, query);
    expect(outcome.results).toEqual([{ data: result.data }]);
  });

  it("development tools' full introspection query fits within the limits", async () => {
    const query = getIntrospectionQuery({ descriptions: true, specifiedByUrl: true, directiveIsRepeatable: true, schemaDescription: true, inputValueDeprecation: true });
    const result = await harness.graphql<{ __schema: { types: unknown[] } }>(query, {}, tokens.limited);
    expect(result.errors).toBeUndefined();
    expect(result.data?.__schema.types.length).toBeGreaterThan(10);
  });

  it("a document past the parser's token cap (the larger of the token and size limits) is refused while parsing, on both transports", async () => {
    const query = `{ viewer { ${"id ".repeat(15_000)}} }`;
    expect(query.length).toBeLessThan(64 * 1024);
    const result = await harness.graphql(query, {}, tokens.limited);
    expect(result.status).toBe(400);
    expect(result.errors?.[0]).toMatchObject({ message: expect.stringMatching(/more that 15000 tokens/), extensions: { code: "GRAPHQL_PARSE_FAILED" } });
    const outcome = await overSocket(user, query);
    expect(outcome.errors?.[0]).toMatchObject({ message: result.errors?.[0]?.message, extensions: { code: "GRAPHQL_PARSE_FAILED" } });
  });

  it("field suggestions are given outside production", async () => {
    const result = await harness.graphql(`{ viewer { itemz { id } } }`, {}, tokens.limited);
    expect(result.errors?.[0]?.message).toMatch(/Did you mean "items"\?/);
  });

  it.each(NEAR_MISS_VARIABLES)("a near-miss value for %s is answered with a suggestion outside production", async (_name, query, variables, hidden) => {
    const result = await harness.graphql(query, variables, tokens.limited);
    expect(result.errors?.map((error) => error.extensions?.code)).toContain("BAD_USER_INPUT");
    expect(result.errors?.map((error) => error.message).join("\n")).toMatch(new RegExp(`Did you mean (the enum value )?"${hidden}"\\?`));
  });

  it("a syntax error over WebSocket is GRAPHQL_PARSE_FAILED and leaves the socket usable", async () => {
    const outcome = await overSocket(user, "{ viewer { id ");
    expect(outcome.errors?.[0]?.extensions?.code).toBe("GRAPHQL_PARSE_FAILED");
    const next = await overSocket(user, "{ viewer { clientUserId } }");
    expect(next.results).toEqual([{ data: { viewer: { clientUserId: "limited" } } }]);
  });
});

describe("query limits from the environment", () => {
  const { harness, tokens } = useTestGateway({ env: { GRAPHQL_MAX_DEPTH: "9", GRAPHQL_MAX_COST: "3000" }, users: { tight: "user" } });
  const client = useWsClient(harness, () => tokens.tight);

  beforeAll(async () => {
    await createSandboxItem(harness, tokens.tight);
  });

  it("a tighter GRAPHQL_MAX_DEPTH refuses what the default allows, over HTTP and WebSocket", async () => {
    const before = harness.exchanges.length;
    expectRefusedOverHttp(await harness.graphql(deep(overHttp, 10), {}, tokens.tight), /^Query depth limit of 9 exceeded, found 10\.$/);
    expectRefusedOverWs(await overSocket(client, deep(overWs, 10)), /^Query depth limit of 9 exceeded, found 10\.$/);
    expect(harness.exchanges.length).toBe(before);
  });

  it("a tighter GRAPHQL_MAX_COST refuses the dashboard query (cost 3,202), over HTTP and WebSocket", async () => {
    const before = harness.exchanges.length;
    expectRefusedOverHttp(await harness.graphql(ItemsOverviewDocument, {}, tokens.tight), /^Query cost limit of 3000 exceeded, found 3202\.$/);
    expectRefusedOverWs(await overSocket(client, print(ItemsOverviewDocument)), /^Query cost limit of 3000 exceeded, found 3202\.$/);
    expect(harness.exchanges.length).toBe(before);
  });
});

describe("NODE_ENV=production", () => {
  const { harness, tokens } = useTestGateway({ env: { NODE_ENV: "production" }, users: { production: "user" } });
  const client = useWsClient(harness, () => tokens.production);

  it.each([`{ __schema { queryType { name } } }`, `{ __type(name: "Item") { name fields { name } } }`, `query { viewer { id } __schema { types { name } } }`])(
    "introspection %s is refused over HTTP and WebSocket",
    async (query) => {
      const result = await harness.graphql(query, {}, tokens.production);
      expect(result.status).toBe(400);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(result.errors?.[0]?.message).toMatch(/introspection/i);
      const outcome = await overSocket(client, query);
      expect(outcome.results).toEqual([]);
      expect(outcome.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(outcome.errors?.[0]?.message).toMatch(/introspection/i);
    },
  );

  it("a typo'd field gets no 'Did you mean', over HTTP and WebSocket", async () => {
    for (const query of [`{ viewer { itemz { id } } }`, `{ viewer { items { edges { node { acounts { id } } } } } }`]) {
      const result = await harness.graphql(query, {}, tokens.production);
      expect(result.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(result.errors?.[0]?.message).toMatch(/^Cannot query field "(itemz|acounts)" on type "(User|Item)"\.$/);
      const outcome = await overSocket(client, query);
      expect(outcome.errors?.[0]?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(outcome.errors?.[0]?.message).toBe(result.errors?.[0]?.message);
      expect(JSON.stringify([result, outcome])).not.toMatch(/Did you mean/);
    }
  });

  it.each(NEAR_MISS_VARIABLES)("a near-miss value for %s gets no 'Did you mean', over HTTP and WebSocket", async (_name, query, variables, hidden) => {
    const result = await harness.graphql(query, variables, tokens.production);
    const outcome = await overSocket(client, query, variables);
    expect(outcome.results).toEqual([]);
    for (const errors of [result.errors, outcome.errors]) {
      expect(errors?.length).toBeGreaterThan(0);
      for (const error of errors ?? []) {
        expect(error.extensions?.code).toBe("BAD_USER_INPUT");
        // The rest of the message still says what was wrong with the value.
        expect(error.message).toMatch(/^Variable "\$\w+" got invalid value .+; .+[.]$/);
      }
    }
    expect(outcome.errors?.map((error) => error.message)).toEqual(result.errors?.map((error) => error.message));
    const text = JSON.stringify([result, outcome]);
    expect(text).not.toMatch(/Did you mean/);
    expect(text).not.toContain(`\\"${hidden}\\"`);
  });

  it("the limits hold as in development", async () => {
    expectRefusedOverHttp(await harness.graphql(deep(overHttp, 11), {}, tokens.production), /^Query depth limit of 10 exceeded, found 11\.$/);
    expectRefusedOverWs(await overSocket(client, overWs(aliases(16))), /^Aliases limit of 15 exceeded, found 16\.$/);
  });

  it("a resolver's unexpected error is masked, without a stack trace, over HTTP and WebSocket", async () => {
    await harness.gateway.store.db.query("ALTER TABLE users RENAME TO users_elsewhere");
    try {
      const result = await harness.graphql(`{ viewer { id clientUserId } }`, {}, tokens.production);
      const outcome = await overSocket(client, `{ viewer { id clientUserId } }`);
      for (const errors of [result.errors, outcome.results[0]?.errors]) {
        expect(errors).toHaveLength(1);
        expect(errors?.[0]).toMatchObject({ message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } });
        expect(Object.keys(errors?.[0]?.extensions ?? {}).filter((key) => key !== "requestId")).toEqual(["code"]);
      }
      const text = JSON.stringify([result, outcome]);
      expect(text).not.toMatch(NO_STACK);
      expect(text).not.toMatch(/users_elsewhere|relation|does not exist/);
    } finally {
      await harness.gateway.store.db.query("ALTER TABLE users_elsewhere RENAME TO users");
    }
    expect((await harness.graphql(`{ viewer { clientUserId } }`, {}, tokens.production)).data).toEqual({ viewer: { clientUserId: "production" } });
  });
});

// ---------------------------------------------------------------------------------------------------

/** Where the repository's own clients keep their operations: the test suite and the browser pages. */
const OPERATION_DIRS = [path.resolve(import.meta.dirname, "../operations"), path.resolve(import.meta.dirname, "../../src/browser")];

/** Every operation of test/operations and src/browser as codegen made it, with the fragments it uses. */
const OPERATIONS = Object.values(generated).flatMap((value) => {
  const document = value as DocumentNode;
  const definition = document.definitions?.find((node): node is OperationDefinitionNode => node.kind === Kind.OPERATION_DEFINITION);
  return definition ? [{ name: definition.name!.value, definition, query: print(document) }] : [];
});

/** A value of the type for each variable, with `first` at the largest page: the operation at its most expensive. */
function worstCaseValue(schema: GraphQLSchema, type: GraphQLInputType, name: string): unknown {
  if (isNonNullType(type)) return worstCaseValue(schema, type.ofType, name);
  if (isListType(type)) return [worstCaseValue(schema, type.ofType, name)];
  if (isEnumType(type)) return type.getValues()[0]!.name;
  if (isInputObjectType(type)) {
    return Object.fromEntries(Object.values(type.getFields()).map((field) => [field.name, worstCaseValue(schema, field.type, field.name)]));
  }
  const named = getNamedType(type).name;
  if (named === "Int") return name === "first" ? MAX_PAGE_SIZE : 1;
  if (named === "Boolean") return true;
  return `sample-${name}`;
}

describe("the repository's own operations", () => {
  let schema: GraphQLSchema;
  const limits = loadConfig({ PLAID_ENV: "simulator", NODE_ENV: "production" }).graphql;

  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it("are all there", () => {
    const written = OPERATION_DIRS.flatMap((dir) =>
      readdirSync(dir, { recursive: true, encoding: "utf8" })
        .filter((file) => file.endsWith(".graphql"))
        .flatMap((file) => parse(readFileSync(path.join(dir, file), "utf8")).definitions.filter((node) => node.kind === Kind.OPERATION_DEFINITION)),
    );
    expect(OPERATIONS.length).toBeGreaterThanOrEqual(18);
    expect(OPERATIONS.map(({ name }) => name).sort()).toEqual(written.map((node) => (node as OperationDefinitionNode).name!.value).sort());
  });

  it.each(OPERATIONS.map(({ name, definition, query }) => [name, definition, query] as const))(
    "%s stays within every default limit, with `first` at its largest",
    (name, definition, query) => {
      const variables = Object.fromEntries(
        (definition.variableDefinitions ?? []).map((variable) => [
          variable.variable.name.value,
          worstCaseValue(schema, typeFromAST(schema, variable.type) as GraphQLInputType, variable.variable.name.value),
        ]),
      );
      const pipeline = new GraphqlPipeline({ schema, limits, createContext: () => expect.unreachable("no operation runs here"), logger: createLogger({ level: "silent" }) });
      const prepared = pipeline.prepare({ query, operationName: name, variables });
      expect("errors" in prepared ? prepared.errors.map((error) => error.message) : []).toEqual([]);
      if ("document" in prepared) expect(operationCost(schema, prepared.document, name, variables)).toBeLessThanOrEqual(limits.maxCost);
    },
  );

  it("prices a field asked for again under another alias once: the loaders fetch it once", () => {
    const cost = (query: string) => operationCost(schema, parse(query), undefined, {});
    const once = cost(`{ viewer { items { edges { node { accounts { id } consentEvents(first: 1) { totalCount } } } } } }`);
    expect(
      cost(`{ a: viewer { items { edges { node { accounts { id } } } } } b: viewer { items { edges { node { accounts { name } consentEvents(first: 1) { totalCount } } } } } }`),
    ).toBe(once);
    expect(cost(`{ viewer { x: items { edges { node { accounts { id } } } } y: items { edges { node { accounts { mask } consentEvents(first: 1) { totalCount } } } } } }`)).toBe(
      once,
    );
    // Other arguments are another call, priced again.
    expect(cost(`{ viewer { items { edges { node { consentEvents(first: 1) { totalCount } again: consentEvents(first: 2) { totalCount } } } } } }`)).toBeGreaterThan(
      cost(`{ viewer { items { edges { node { consentEvents(first: 1) { totalCount } } } } } }`),
    );
  });

  it("the cost model's documented examples hold", () => {
    const cost = (query: string) => operationCost(schema, parse(query), undefined, {});
    expect(cost(`{ viewer { items { edges { node { accounts { id } consentEvents(first: 1) { totalCount } } } } } }`)).toBe(3102);
    expect(cost(`{ viewer { items { edges { node { consentEvents(first: 100) { edges { node { eventCode } } } } } } } }`)).toBe(6352);
    // A Plaid call weighs far more than the object it returns.
    expect(cost(`{ viewer { items { edges { node { accounts { id } } } } } }`) - cost(`{ viewer { items { edges { node { owner { id } } } } } }`)).toBe(
      50 * (COST.PLAID_CALL + COST.SMALL_LIST - 1),
    );
    // Scalars ride along with their object; introspection is free.
    expect(cost(`{ viewer { id clientUserId createdAt } }`)).toBe(1);
    expect(cost(`{ __schema { types { fields { args { type { name } } } } } }`)).toBe(0);
  });
});
