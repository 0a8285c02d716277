import type { GraphQLSchema } from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.js";
import type { OperationRecord } from "../../src/graphql/operation-run.js";
import { GraphqlPipeline } from "../../src/graphql/pipeline.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { createLogger } from "../../src/logger.js";
import type { ResponseBody } from "../../src/graphql/response-extensions.js";
import { StaleDataCollector } from "../../src/services/stale-data.js";

const HISTORY = `query History($id: ID!, $first: Int) { item(id: $id) { history(first: $first) { edges { node { status } } } } }`;

describe("the GraphQL pipeline both transports adapt", () => {
  let schema: GraphQLSchema;
  const records: OperationRecord[] = [];
  const lines: string[] = [];
  const pipeline = (env: Record<string, string> = {}) =>
    new GraphqlPipeline({
      schema,
      limits: loadConfig(env).graphql,
      createContext: () => {
        throw new Error("no context is needed here");
      },
      logger: createLogger({ level: "debug", destination: { write: (line: string) => void lines.push(line) } }),
      observer: (record) => records.push(record),
    });

  beforeAll(async () => {
    schema = await buildGatewaySchema();
  });

  it("parses and validates a document once, and checks each request's variables and cost against it", () => {
    const graphql = pipeline({ GRAPHQL_MAX_COST: "50" });
    const small = graphql.prepare({ query: HISTORY, variables: { id: "item-1", first: 5 } });
    const again = graphql.prepare({ query: HISTORY, variables: { id: "item-2", first: 5 } });
    expect("document" in small && "document" in again && small.document === again.document).toBe(true);

    const tooCostly = graphql.prepare({ query: HISTORY, variables: { id: "item-1", first: 100 } });
    expect("errors" in tooCostly ? tooCostly.errors.map((error) => error.extensions.code) : []).toEqual(["GRAPHQL_VALIDATION_FAILED"]);
    const badVariable = graphql.prepare({ query: HISTORY, variables: { first: 5 } });
    expect("errors" in badVariable ? badVariable.errors.map((error) => error.extensions.code) : []).toEqual(["BAD_USER_INPUT"]);
  });

  it("refuses an invalid document every time it is sent, never caching it as valid", () => {
    const graphql = pipeline();
    for (let attempt = 0; attempt < 2; attempt++) {
      const prepared = graphql.prepare({ query: "{ viewer { nope } }" });
      expect("errors" in prepared ? prepared.errors[0]!.extensions.code : null).toBe("GRAPHQL_VALIDATION_FAILED");
    }
  });

  it("hides GraphQL's schema hints when introspection is off, and keeps them when it is on", () => {
    const error = new Error('Cannot query field "itemz" on type "Query". Did you mean "item" or "items"?');
    const formatted = { message: error.message, extensions: { code: "GRAPHQL_VALIDATION_FAILED" } };
    expect(pipeline({ GRAPHQL_INTROSPECTION: "off" }).formatError(formatted, formatted).message).toBe('Cannot query field "itemz" on type "Query".');
    expect(pipeline({ GRAPHQL_INTROSPECTION: "on" }).formatError(formatted, formatted).message).toBe(error.message);
  });

  it("hides the hints of a variable's value too when introspection is off, and keeps the client's own value as sent", () => {
    const hidden = pipeline({ GRAPHQL_INTROSPECTION: "off" });
    const cases = [
      [
        'Variable "$status" got invalid value "HEALTHYY" at "status[0]"; Value "HEALTHYY" does not exist in "ItemStatus" enum. Did you mean the enum value "HEALTHY"?',
        'Variable "$status" got invalid value "HEALTHYY" at "status[0]"; Value "HEALTHYY" does not exist in "ItemStatus" enum.',
      ],
      [
        'Variable "$input" got invalid value { product: ["x"] }; Field "product" is not defined by type "CreateLinkTokenInput". Did you mean "products"?',
        'Variable "$input" got invalid value { product: ["x"] }; Field "product" is not defined by type "CreateLinkTokenInput".',
      ],
      ['Cannot query field "node" on type "Query". Did you mean "item", "items", or "viewer"?', 'Cannot query field "node" on type "Query".'],
      [
        'Variable "$id" got invalid value "Did you mean \\"x\\"?"; Expected type "ID". Did you mean "x"?',
        'Variable "$id" got invalid value "Did you mean \\"x\\"?"; Expected type "ID".',
      ],
    ];
    for (const [message, shown] of cases) {
      const formatted = { message: message!, extensions: { code: "BAD_USER_INPUT" } };
      expect(hidden.formatError(formatted, formatted).message).toBe(shown);
      expect(pipeline({ GRAPHQL_INTROSPECTION: "on" }).formatError(formatted, formatted).message).toBe(message);
    }
  });

  it("puts the request id on every error and reports what was served from stored data", () => {
    const staleData = new StaleDataCollector();
    const graphql = pipeline();
    const clean = { data: { ok: true } };
    expect(graphql.completeResponse(clean, { requestId: "req-1", staleData })).toBe(clean);

    staleData.record("item-1", "accounts", new Date("2026-01-02T03:04:05Z"), "RATE_LIMITED");
    const answer = graphql.completeResponse<ResponseBody>({ errors: [{ message: "boom", extensions: { code: "PLAID_ERROR" } }] }, { requestId: "req-1", staleData });
    expect(answer.errors?.[0]?.extensions).toEqual({ code: "PLAID_ERROR", requestId: "req-1" });
    expect(answer.extensions).toEqual({ staleData: [{ itemId: "item-1", field: "accounts", fetchedAt: "2026-01-02T03:04:05.000Z", reason: "RATE_LIMITED" }] });
  });

  it("reports each operation once with its name, type and outcome", () => {
    records.length = 0;
    const graphql = pipeline();
    const prepared = graphql.prepare({ query: HISTORY, variables: { id: "item-1" } });
    const run = graphql.startOperation(null);
    if ("document" in prepared) run.identify(prepared.document);
    run.fail();
    run.end();
    run.end();
    graphql.startOperation(null).refuse("query Refused { nope }");
    expect(records.map(({ durationSeconds: _duration, ...record }) => record)).toEqual([
      { operationName: "History", type: "query", ok: false },
      { operationName: "Refused", type: "unknown", ok: false },
    ]);
    expect(records[1]!.durationSeconds).toBe(0);
  });
});
