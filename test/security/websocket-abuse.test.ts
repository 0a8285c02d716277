import WebSocket from "ws";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { useTestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { createSandboxItem } from "../support/link-helpers.js";
import { graphqlWsClient, websocketUrl } from "../support/item-status-subscriptions.js";

/** Collects what is written to stderr, directly or through console.error, until restored. */
function captureStderr(): { written: string[]; restore(): void } {
  const written: string[] = [];
  const write = vi.spyOn(process.stderr, "write").mockImplementation((chunk: string | Uint8Array) => {
    written.push(String(chunk));
    return true;
  });
  const consoleError = vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => {
    written.push(args.map(String).join(" "));
  });
  return {
    written,
    restore() {
      write.mockRestore();
      consoleError.mockRestore();
    },
  };
}

describe("WebSocket abuse", () => {
  const { harness, tokens } = useTestGateway({ users: { churner: "user" } });

  beforeAll(async () => {
    await createSandboxItem(harness, tokens.churner);
  });

  it("1,000 subscribe/complete cycles leave no subscription behind and the connection keeps working", async () => {
    const baseline = harness.gateway.events.activeSubscriptions();
    const client = graphqlWsClient(harness.gateway.graphqlUrl, tokens.churner);
    try {
      for (let round = 0; round < 10; round++) {
        const stops = Array.from({ length: 100 }, () =>
          client.subscribe({ query: "subscription { itemStatusChanged { cursor } }" }, { next: () => {}, error: () => {}, complete: () => {} }),
        );
        await waitUntil(() => harness.gateway.events.activeSubscriptions() >= baseline + 1, { what: "subscriptions registered" });
        for (const stop of stops) stop();
      }
      await waitUntil(() => harness.gateway.events.activeSubscriptions() === baseline, { what: "every subscription released" });
      const answer = await new Promise<unknown>((resolve, reject) => {
        client.subscribe({ query: "{ viewer { clientUserId } }" }, { next: resolve, error: reject, complete: () => {} });
      });
      expect(answer).toEqual({ data: { viewer: { clientUserId: "churner" } } });
    } finally {
      await client.dispose();
    }
  });

  it("an oversized message closes the socket without reaching GraphQL, logged once as a structured line and nothing on stderr", async () => {
    const before = harness.exchanges.length;
    const logsBefore = harness.logs.length;
    const stderr = captureStderr();
    try {
      const socket = new WebSocket(websocketUrl(harness.gateway.graphqlUrl), "graphql-transport-ws");
      const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
      await new Promise<void>((resolve, reject) => {
        socket.on("open", () => resolve());
        socket.on("error", reject);
      });
      socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${tokens.churner}`, padding: "x".repeat(200_000) } }));
      expect(await closed).toBe(1009);
      await waitUntil(() => harness.logs.slice(logsBefore).some((line) => line.includes("WebSocket connection closed")), { what: "the refusal logged" });
    } finally {
      stderr.restore();
    }
    expect(stderr.written.join("")).toBe("");
    const logged = harness.logs
      .slice(logsBefore)
      .map((line) => JSON.parse(line) as { level: number; msg: string; wsError?: string; stack?: unknown; err?: unknown })
      .filter((entry) => entry.msg.startsWith("WebSocket connection closed"));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({ level: 40, wsError: "WS_ERR_UNSUPPORTED_MESSAGE_LENGTH", msg: "WebSocket connection closed: a message larger than 65536 bytes" });
    expect(logged[0]?.err).toBeUndefined();
    expect(harness.exchanges.length).toBe(before);
  });

  it("a subscribe before the connection is acknowledged closes the socket as unauthorized", async () => {
    const socket = new WebSocket(websocketUrl(harness.gateway.graphqlUrl), "graphql-transport-ws");
    const closed = new Promise<number>((resolve) => socket.on("close", (code) => resolve(code)));
    await new Promise<void>((resolve) => socket.on("open", () => resolve()));
    socket.send(JSON.stringify({ id: "1", type: "subscribe", payload: { query: "subscription { itemStatusChanged { cursor } }" } }));
    expect(await closed).toBe(4401);
  });

  it("an operation refused before it runs gets its own request id, and an unknown operation name is named, not masked", async () => {
    const client = graphqlWsClient(harness.gateway.graphqlUrl, tokens.churner);
    const refusal = (payload: { query: string; operationName?: string }) =>
      new Promise<Array<{ message: string; extensions?: Record<string, unknown> }>>((resolve, reject) => {
        client.subscribe(payload, { next: () => reject(new Error("the operation ran")), error: (errors) => resolve(errors as never), complete: () => {} });
      });
    try {
      const [unknownField] = await refusal({ query: "{ viewer { nope } }" });
      const [again] = await refusal({ query: "{ viewer { nope } }" });
      expect(unknownField?.extensions?.code).toBe("GRAPHQL_VALIDATION_FAILED");
      expect(unknownField?.extensions?.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(again?.extensions?.requestId).not.toBe(unknownField?.extensions?.requestId);
      const [unknownOperation] = await refusal({ query: "query A { viewer { id } } query B { viewer { id } }", operationName: "C" });
      expect(unknownOperation).toMatchObject({ message: 'Unknown operation named "C".', extensions: { code: "OPERATION_RESOLUTION_FAILURE" } });
      expect(harness.logs.join("")).not.toContain("unexpected error while serving GraphQL");
    } finally {
      await client.dispose();
    }
  });
});
