import WebSocket from "ws";
import { afterEach, describe, expect, it } from "vitest";
import { ItemHistoryDocument, SandboxResetLoginDocument } from "../../generated/graphql.js";
import { useTestGateway, type TestGateway } from "../support/gateway-harness.js";
import { websocketUrl } from "../support/item-status-subscriptions.js";
import { createSettledItem } from "../support/link-helpers.js";
import { waitUntil } from "../support/wait-until.js";

/** One graphql-transport-ws message as the gateway sent it. */
interface Message {
  id?: string;
  type: string;
  payload?: unknown;
}

/** A raw graphql-transport-ws socket, with every message and its close recorded. */
interface ProtocolSocket {
  socket: WebSocket;
  messages: Message[];
  readonly acknowledged: boolean;
  readonly closed: { code: number; reason: string } | null;
  subscribe(id: string, query: string, variables?: Record<string, unknown>): void;
  complete(id: string): void;
  messagesOf(id: string): Message[];
}

const LIVE = "subscription Live($after: String) { itemStatusChanged(after: $after) { cursor itemId status } }";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Raw graphql-transport-ws sockets against one test gateway, closed after each test. */
function useProtocolSockets(harness: TestGateway) {
  const opened: ProtocolSocket[] = [];

  afterEach(async () => {
    const closing = opened
      .splice(0)
      .map((open) => open.socket)
      .filter((socket) => socket.readyState !== WebSocket.CLOSED)
      .map((socket) => {
        const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
        socket.close();
        return closed;
      });
    await Promise.all(closing);
  });

  /** Opens a socket and sends connection_init with the token; resolves once the gateway acknowledged or closed it. */
  async function connect(token: string): Promise<ProtocolSocket> {
    const socket = new WebSocket(websocketUrl(harness.gateway.graphqlUrl), "graphql-transport-ws");
    const messages: Message[] = [];
    let closed: { code: number; reason: string } | null = null;
    const settled = new Promise<void>((resolve, reject) => {
      socket.on("message", (data) => {
        messages.push(JSON.parse(String(data)) as Message);
        if (messages.at(-1)?.type === "connection_ack") resolve();
      });
      socket.on("close", (code, reason) => {
        closed = { code, reason: reason.toString("utf8") };
        resolve();
      });
      socket.on("error", reject);
    });
    socket.on("open", () => socket.send(JSON.stringify({ type: "connection_init", payload: { authorization: `Bearer ${token}` } })));
    const open: ProtocolSocket = {
      socket,
      messages,
      get acknowledged() {
        return messages.some((message) => message.type === "connection_ack");
      },
      get closed() {
        return closed;
      },
      subscribe: (id, query, variables) => socket.send(JSON.stringify({ id, type: "subscribe", payload: { query, variables } })),
      complete: (id) => socket.send(JSON.stringify({ id, type: "complete" })),
      messagesOf: (id) => messages.filter((message) => message.id === id),
    };
    opened.push(open);
    await settled;
    return open;
  }

  /** The newest event of the user's first Item, to subscribe `after`: every later event is then delivered, however soon it happens. */
  async function userWithItem(user: string) {
    const token = await harness.token(user);
    const itemId = await createSettledItem(harness, token);
    const history = await harness.graphql(ItemHistoryDocument, { id: itemId, first: 1 }, token);
    const cursor = history.data?.item?.history.edges[0]?.node.cursor;
    if (!cursor) throw new Error(`no history for ${itemId}: ${JSON.stringify(history.errors)}`);
    return { token, itemId, cursor };
  }

  /** Waits until the operation received its Item's event (a `next` naming the Item). */
  async function eventReaches(open: ProtocolSocket, id: string, itemId: string) {
    await waitUntil(() => open.messagesOf(id).some((message) => message.type === "next" && JSON.stringify(message.payload).includes(itemId)), {
      what: `the event to reach operation ${id}`,
    });
  }

  async function breakLogin(itemId: string, token: string) {
    const reset = await harness.graphql(SandboxResetLoginDocument, { itemId }, token);
    expect(reset.errors).toBeUndefined();
  }

  return { connect, userWithItem, eventReaches, breakLogin };
}

describe("WebSocket caps: subscriptions per connection and connections per user", () => {
  const { harness } = useTestGateway({
    env: { GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: "3", GRAPHQL_WS_MAX_CONNECTIONS_PER_USER: "2" },
  });
  const { connect, userWithItem, eventReaches, breakLogin } = useProtocolSockets(harness);

  describe("subscriptions per connection", () => {
    it("a subscribe past the connection's cap gets a RATE_LIMITED error for that id, and the connection's other subscriptions keep receiving events", async () => {
      const { token, itemId, cursor } = await userWithItem("many-tabs");
      const open = await connect(token);
      expect(open.acknowledged).toBe(true);
      for (const id of ["1", "2", "3", "4"]) open.subscribe(id, LIVE, { after: cursor });

      await waitUntil(() => open.messagesOf("4").length > 0, { what: "the answer to the fourth subscribe" });
      expect(open.messagesOf("4")).toEqual([
        {
          id: "4",
          type: "error",
          payload: [
            {
              message: "Too many subscriptions on this connection: at most 3 may run at once. Complete one before starting another.",
              extensions: { code: "RATE_LIMITED", maxSubscriptionsPerConnection: 3, requestId: expect.stringMatching(UUID) },
            },
          ],
        },
      ]);

      await breakLogin(itemId, token);
      for (const id of ["1", "2", "3"]) await eventReaches(open, id, itemId);
      expect(open.closed, "the connection stays open").toBeNull();
      expect(open.messagesOf("4"), "the refused subscription never runs").toHaveLength(1);
      expect(open.messages.filter((message) => message.type === "error")).toHaveLength(1);
      expect(harness.logs.join(""), "a refusal is not an unexpected error").not.toContain("unexpected error while serving GraphQL");
    });

    it("a completed subscription frees its slot for the next one, and queries take a slot while they run", async () => {
      const { token, itemId, cursor } = await userWithItem("tab-switcher");
      const open = await connect(token);
      for (const id of ["1", "2", "3"]) open.subscribe(id, LIVE, { after: cursor });
      open.subscribe("query-while-full", "{ viewer { clientUserId } }");
      await waitUntil(() => open.messagesOf("query-while-full").length > 0, { what: "the answer to the query" });
      expect(open.messagesOf("query-while-full")).toMatchObject([{ type: "error", payload: [{ extensions: { code: "RATE_LIMITED" } }] }]);

      open.complete("2");
      open.subscribe("5", LIVE, { after: cursor });
      await breakLogin(itemId, token);
      for (const id of ["1", "3", "5"]) await eventReaches(open, id, itemId);
      expect(open.messagesOf("5").every((message) => message.type === "next")).toBe(true);
      expect(
        open.messagesOf("2").filter((message) => message.type === "next"),
        "the completed subscription receives nothing more",
      ).toEqual([]);
    });

    it("the cap is per connection: the same user's second connection runs its own subscriptions", async () => {
      const { token, itemId, cursor } = await userWithItem("two-windows");
      const first = await connect(token);
      for (const id of ["1", "2", "3"]) first.subscribe(id, LIVE, { after: cursor });
      const second = await connect(token);
      for (const id of ["1", "2", "3"]) second.subscribe(id, LIVE, { after: cursor });

      await breakLogin(itemId, token);
      for (const open of [first, second]) for (const id of ["1", "2", "3"]) await eventReaches(open, id, itemId);
      expect([...first.messages, ...second.messages].filter((message) => message.type === "error")).toEqual([]);
    });
  });

  describe("connections per user", () => {
    it.each([
      ["a user", false],
      ["an admin, like anyone else", true],
    ])('%s past the cap is closed with 4430 "Too many connections", without an acknowledgement, while their open connections keep working', async (_who, admin) => {
      const user = admin ? "busy-admin" : "busy-user";
      const token = await harness.token(user, { admin });
      const held = [await connect(token), await connect(token)];
      expect(held.every((open) => open.acknowledged)).toBe(true);

      const refused = await connect(token);
      expect(refused.closed).toEqual({ code: 4430, reason: "Too many connections" });
      expect(refused.acknowledged).toBe(false);

      const neighbour = await connect(await harness.token(`${user}-neighbour`, { admin }));
      expect(neighbour.acknowledged, "another user's connections are counted apart").toBe(true);
      held[1]!.subscribe("q", "{ viewer { clientUserId } }");
      await waitUntil(() => held[1]!.messagesOf("q").some((message) => message.type === "complete"), { what: "the query on a held connection" });
      expect(held[1]!.messagesOf("q")[0]).toEqual({ id: "q", type: "next", payload: { data: { viewer: { clientUserId: user } } } });
      expect(held.every((open) => open.closed === null)).toBe(true);
    });

    /** Connects until the gateway acknowledges (each refused attempt is closed with 4430), as a client retrying would. */
    async function connectOnceFreed(token: string): Promise<ProtocolSocket> {
      return waitUntil(
        async () => {
          const attempt = await connect(token);
          if (attempt.acknowledged) return attempt;
          expect(attempt.closed?.code).toBe(4430);
          return null;
        },
        { what: "a connection slot to be given back" },
      );
    }

    it.each<[string, string, (open: ProtocolSocket) => void]>([
      ["the client closes it", "closer", (open) => open.socket.close(1000, "bye")],
      ["the client drops it without a close frame", "dropper", (open) => open.socket.terminate()],
      [
        "it sends a message over the size limit (a socket error)",
        "oversender",
        (open) => open.socket.send(JSON.stringify({ type: "ping", payload: { padding: "x".repeat(200_000) } })),
      ],
    ])("a connection gives its slot back when %s, exactly once", async (_way, user, end) => {
      const token = await harness.token(user);
      const [leaving] = [await connect(token), await connect(token)];
      expect((await connect(token)).closed?.code).toBe(4430);

      end(leaving!);
      const replacement = await connectOnceFreed(token);
      expect(replacement.acknowledged).toBe(true);
      expect((await connect(token)).closed?.code, "the freed slot was given back once, not twice").toBe(4430);
    });

    it("a connection ended by its token's expiry gives its slot back", async () => {
      const shortLived = await harness.token("expiring", { expiresIn: "3s" });
      const lasting = await harness.token("expiring");
      const expiring = await connect(shortLived);
      await connect(lasting);
      expect((await connect(lasting)).closed?.code).toBe(4430);

      await waitUntil(() => expiring.closed, { timeoutMs: 15_000, what: "the gateway to end the connection when the token expires" });
      expect(expiring.closed).toEqual({ code: 4403, reason: "Token expired" });
      expect((await connectOnceFreed(lasting)).acknowledged).toBe(true);
      expect((await connect(lasting)).closed?.code).toBe(4430);
    });
  });
});

describe("WebSocket caps at their defaults", () => {
  const { harness } = useTestGateway({ users: {} });
  const { connect, userWithItem, eventReaches, breakLogin } = useProtocolSockets(harness);

  it("1,000 subscribe messages on one socket leave 100 running, refuse the other 900, and the first 100 keep receiving events", async () => {
    const { token, itemId, cursor } = await userWithItem("thousand-subscribes");
    const open = await connect(token);
    const ids = Array.from({ length: 1_000 }, (_, i) => String(i + 1));
    for (const id of ids) open.subscribe(id, LIVE, { after: cursor });

    const refusedIds = () => new Set(open.messages.filter((message) => message.type === "error").map((message) => message.id));
    await waitUntil(() => refusedIds().size >= 900, { timeoutMs: 30_000, what: "900 refusals" });
    expect([...refusedIds()].map(Number).sort((a, b) => a - b)).toEqual(ids.slice(100).map(Number));
    expect(open.messagesOf("101")[0]?.payload).toMatchObject([{ extensions: { code: "RATE_LIMITED", maxSubscriptionsPerConnection: 100 } }]);

    await breakLogin(itemId, token);
    for (const id of ids.slice(0, 100)) await eventReaches(open, id, itemId);
    expect(open.closed, "the connection stays open").toBeNull();
    expect(
      ids.slice(100).every((id) => open.messagesOf(id).length === 1),
      "a refused subscription never runs",
    ).toBe(true);
  });
});
