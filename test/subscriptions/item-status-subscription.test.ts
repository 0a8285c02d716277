import { randomBytes } from "node:crypto";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { signDevToken } from "../../src/auth/dev-token.js";
import type { Store } from "../../src/datasources/store/store.js";
import { eventSequenceFromCursor } from "../../src/domain/cursor.js";
import { ItemHistoryDocument, RemoveItemDocument, SandboxFireWebhookDocument, SandboxResetLoginDocument, type SandboxItemWebhookCode } from "../../generated/graphql.js";
import { useTestGateway } from "../support/gateway-harness.js";
import { waitUntil } from "../support/wait-until.js";
import { openSocketWithoutInit, subscribeToItemStatus, type ItemStatusSubscription, type SubscribeOptions } from "../support/item-status-subscriptions.js";
import { createSandboxItem, createSettledItem } from "../support/link-helpers.js";

/** Holds callers while closed; counts who waits. */
class Gate {
  private opened: Promise<void> | null = null;
  private release = () => {};
  waiting = 0;

  close(): void {
    this.opened = new Promise((resolve) => (this.release = resolve));
  }

  open(): void {
    this.release();
    this.opened = null;
  }

  async pass(): Promise<void> {
    if (!this.opened) return;
    this.waiting += 1;
    await this.opened;
    this.waiting -= 1;
  }
}

/**
 * Watches the two reads a subscription stream makes from the event log, and can hold them:
 * - where a stream without `after` starts (the log's current end): `started` counts streams that have
 *   read it, and `start` holds them after the read, before they listen for live events;
 * - the replay after the start (`replay`), which a stream makes once it listens for live events.
 * A subscription without `after` misses, by design, events committed before the gateway opened it, so
 * tests wait for `started` before making anything happen; the gates put an event exactly into the
 * switch-over from the log to live delivery.
 */
function watchStreamReads(store: Store) {
  const events = store.events;
  const latestSequence = events.latestSequence.bind(events);
  const listAfter = events.listAfter.bind(events);
  const watch = { started: 0, start: new Gate(), replay: new Gate() };
  events.latestSequence = async () => {
    const sequence = await latestSequence();
    await watch.start.pass();
    watch.started += 1;
    return sequence;
  };
  events.listAfter = async (...args) => {
    await watch.replay.pass();
    return listAfter(...args);
  };
  return watch;
}

describe("Subscription.itemStatusChanged over a real WebSocket", () => {
  const { harness } = useTestGateway();
  let streams: ReturnType<typeof watchStreamReads>;
  const open: ItemStatusSubscription[] = [];

  beforeAll(() => {
    streams = watchStreamReads(harness.gateway.store);
  });
  afterEach(async () => {
    streams.start.open();
    streams.replay.open();
    await Promise.all(open.splice(0).map((subscription) => subscription.close()));
  });

  function subscribe(token: string | null, options: SubscribeOptions = {}): ItemStatusSubscription {
    const subscription = subscribeToItemStatus(harness.gateway.graphqlUrl, token, options);
    open.push(subscription);
    return subscription;
  }

  /** Subscribes without `after` and waits until the gateway has opened the stream (see watchStreamReads). */
  async function subscribeFromNow(token: string, options: Omit<SubscribeOptions, "after"> = {}): Promise<ItemStatusSubscription> {
    const before = streams.started;
    const subscription = subscribe(token, options);
    await waitUntil(() => streams.started > before || subscription.ended, { what: "the gateway to open the subscription" });
    expect(subscription.ended, "the subscription ended before it started").toBe(false);
    return subscription;
  }

  /** A new user with one linked Item whose LINKED event is settled. */
  async function userWithItem(user: string): Promise<{ token: string; itemId: string }> {
    const token = await harness.token(user);
    const itemId = await createSettledItem(harness, token);
    return { token, itemId };
  }

  /** A new user with one settled Item, subscribed to that Item from now on. */
  async function subscribedToNewItem(user: string): Promise<{ token: string; itemId: string; subscription: ItemStatusSubscription }> {
    const { token, itemId } = await userWithItem(user);
    return { token, itemId, subscription: await subscribeFromNow(token, { itemIds: [itemId] }) };
  }

  /**
   * Links one Item while `gate` holds the subscription's stream (`held` says where) and one more once it
   * lets go; returns both, in that order, once the second one's event has arrived.
   */
  async function linkWhileHeld(gate: Gate, subscription: ItemStatusSubscription, token: string, held: string): Promise<[string, string]> {
    await waitUntil(() => gate.waiting > 0, { what: held });
    const during = await createSandboxItem(harness, token);
    gate.open();
    const closing = await createSandboxItem(harness, token);
    await waitUntil(() => subscription.eventsOf(closing).length > 0, { what: "the event of the Item linked after the gate opened" });
    return [during, closing];
  }

  /** Plaid's ITEM/ERROR webhook (ITEM_LOGIN_REQUIRED), taken in and confirmed. */
  async function breakLogin(itemId: string, token: string): Promise<void> {
    const result = await harness.graphql(SandboxResetLoginDocument, { itemId }, token);
    expect(result.errors).toBeUndefined();
    await harness.settle();
  }

  /** Plaid's ITEM/LOGIN_REPAIRED webhook, taken in and confirmed. */
  async function repairLogin(itemId: string, token: string): Promise<void> {
    await fireWebhook(itemId, "LOGIN_REPAIRED", token);
  }

  /** Has Plaid fire an ITEM webhook for the Item; waits until the gateway took it in and confirmed it. */
  async function fireWebhook(itemId: string, code: SandboxItemWebhookCode, token: string): Promise<void> {
    const result = await harness.graphql(SandboxFireWebhookDocument, { itemId, code }, token);
    expect(result.errors).toBeUndefined();
    await harness.settle();
  }

  /** The Item's history from the event log, oldest first. */
  async function historyOf(itemId: string, token: string) {
    const result = await harness.graphql(ItemHistoryDocument, { id: itemId, first: 50 }, token);
    expect(result.errors).toBeUndefined();
    return result.data!.item!.history.edges.map((edge) => edge.node).reverse();
  }

  async function webhookDeliveries() {
    const response = await fetch(`${harness.simulatorUrl}/simulator/webhooks/deliveries`);
    return ((await response.json()) as { deliveries: Array<{ item_id: string | null; webhook_code: string; state: string }> }).deliveries;
  }

  describe("live delivery", () => {
    it("a subscribed client receives its Item's new status when Plaid's signed ERROR webhook arrives", async () => {
      const { token, itemId } = await userWithItem("live-alice");
      const subscription = await subscribeFromNow(token);
      expect(subscription.acknowledged).toBe(true);

      const reset = await harness.graphql(SandboxResetLoginDocument, { itemId }, token);
      expect(reset.data?.sandboxResetLogin).toEqual({ id: itemId, status: "LOGIN_REQUIRED" });
      await waitUntil(() => subscription.events.length > 0, { what: "the ERROR event to reach the subscriber" });

      expect(subscription.events[0]).toEqual({
        cursor: expect.any(String),
        itemId,
        previousStatus: "HEALTHY",
        status: "LOGIN_REQUIRED",
        cause: "ERROR",
        occurredAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
        item: { id: itemId, status: "LOGIN_REQUIRED" },
        error: { errorType: "ITEM_ERROR", errorCode: "ITEM_LOGIN_REQUIRED" },
      });
      // What told the gateway was Plaid's webhook, which the gateway accepted (it verifies the signature).
      expect(await webhookDeliveries()).toContainEqual(expect.objectContaining({ item_id: itemId, webhook_code: "ERROR", state: "delivered" }));

      await harness.settle();
      // The event is the one in the Item's history, and the only one: the Item's LINKED event came before
      // the subscription started, and confirming the webhook with /item/get found nothing new.
      const history = await historyOf(itemId, token);
      expect(history.map((event) => event.cause)).toEqual(["LINKED", "ERROR"]);
      expect(subscription.events.map((event) => event.cursor)).toEqual([history[1]!.cursor]);
      expect(subscription.payloads).toHaveLength(1);
    });
  });

  describe("a login that breaks again after it was repaired", () => {
    // Plaid's ITEM webhooks carry no id or timestamp: the second ERROR webhook of an Item is byte for byte
    // the first one, yet it reports a new break.
    it("is reported again to the subscriber", async () => {
      const { token, itemId, subscription } = await subscribedToNewItem("live-bob");

      await breakLogin(itemId, token);
      await repairLogin(itemId, token);
      await breakLogin(itemId, token);
      // Plaid holds the Item in ITEM_LOGIN_REQUIRED again, and told the gateway with a (second) ERROR webhook.
      const deliveries = (await webhookDeliveries()).filter((delivery) => delivery.item_id === itemId);
      expect(deliveries.map((delivery) => [delivery.webhook_code, delivery.state])).toEqual([
        ["ERROR", "delivered"],
        ["LOGIN_REPAIRED", "delivered"],
        ["ERROR", "delivered"],
      ]);
      const closing = await harness.graphql(RemoveItemDocument, { itemId }, token);
      expect(closing.errors).toBeUndefined();
      await waitUntil(() => subscription.events.some((event) => event.cause === "REMOVED"), { what: "the REMOVED event" });

      // The repeated body cannot be told from a retry by itself; the gateway confirms it with /item/get,
      // so the second break is recorded as RECONCILED.
      expect(subscription.events.map((event) => [event.cause, event.status])).toEqual([
        ["ERROR", "LOGIN_REQUIRED"],
        ["LOGIN_REPAIRED", "HEALTHY"],
        ["RECONCILED", "LOGIN_REQUIRED"],
        ["REMOVED", "REMOVED"],
      ]);
    });

    it("moves the Item to LOGIN_REQUIRED again, as Plaid reports it", async () => {
      const token = await harness.token("live-carol");
      const itemId = await createSandboxItem(harness, token);
      await breakLogin(itemId, token);
      await repairLogin(itemId, token);
      await breakLogin(itemId, token);
      const atPlaid = (await (await fetch(`${harness.simulatorUrl}/simulator/items/${itemId}`)).json()) as { error: { error_code: string } | null };
      expect(atPlaid.error?.error_code).toBe("ITEM_LOGIN_REQUIRED");
      const item = await harness.graphql<{ item: { status: string } | null }>("query ($id: ID!) { item(id: $id) { status } }", { id: itemId }, token);
      expect(item.data?.item?.status).toBe("LOGIN_REQUIRED");
    });
  });

  describe("connection authentication", () => {
    it.each([
      ["no token", async (): Promise<string | null> => null],
      ["a token signed with another secret", async (): Promise<string | null> => signDevToken(randomBytes(32), { user: "mallory", admin: true })],
      ["an expired token", async (): Promise<string | null> => harness.token("expired-user", { expiresIn: "-10m" })],
    ] as const)("refuses a connection with %s: the socket is closed with 4403 and nothing is sent", async (_case, makeToken) => {
      const token = await makeToken();
      const subscription = subscribe(token);
      await waitUntil(() => subscription.closed !== null, { what: "the gateway to close the socket" });
      expect(subscription.closed!.code).toBe(4403);
      expect(subscription.acknowledged).toBe(false);
      expect(subscription.events).toEqual([]);
    });

    it("refuses a bare token without the Bearer scheme, as over HTTP", async () => {
      const token = await harness.token("bare");
      const subscription = subscribe(null, { authorization: token });
      await waitUntil(() => subscription.closed !== null, { what: "the gateway to close the socket" });
      expect(subscription.closed!.code).toBe(4403);
    });

    it("refuses an authorization that is not a bearer token the gateway issued, even when it looks like one", async () => {
      const subscription = subscribe(null, { authorization: "Bearer not-a-jwt" });
      await waitUntil(() => subscription.closed !== null, { what: "the gateway to close the socket" });
      expect(subscription.closed!.code).toBe(4403);
      expect(subscription.acknowledged).toBe(false);
    });

    it('ends the connection with 4403 "Token expired" when the token expires while connected', async () => {
      const token = await harness.token("short-lived", { expiresIn: "3s" });
      const subscription = subscribe(token);
      await waitUntil(() => subscription.acknowledged || subscription.closed !== null, { what: "the connection to be accepted" });
      expect(subscription.acknowledged, "a token that is still valid is accepted").toBe(true);
      await waitUntil(() => subscription.closed !== null, { timeoutMs: 15_000, what: "the gateway to end the connection when the token expires" });
      expect(subscription.closed).toEqual({ code: 4403, reason: "Token expired" });
      expect(subscription.ended).toBe(true);
    });

    it("closes a socket that never sends connection_init with 4408", async () => {
      const closed = await openSocketWithoutInit(harness.gateway.graphqlUrl);
      expect(closed.opened).toBe(true);
      expect(closed.code).toBe(4408);
    });
  });

  describe("who receives what", () => {
    it("a user receives only their own Items' events: another user's never arrives, while their own later one does", async () => {
      const dave = await harness.token("dave");
      const erin = await harness.token("erin");
      const daveItem = await createSandboxItem(harness, dave);
      const erinItem = await createSandboxItem(harness, erin);
      await harness.settle();
      const daveSubscription = await subscribeFromNow(dave);

      await breakLogin(erinItem, erin);
      await breakLogin(daveItem, dave);
      await waitUntil(() => daveSubscription.eventsOf(daveItem).length > 0, { what: "Dave's own event" });

      // Events arrive in log order, so Erin's (older) event would have come first had it been sent.
      expect(daveSubscription.events.map((event) => [event.itemId, event.cause])).toEqual([[daveItem, "ERROR"]]);
      // Nothing else reached Dave either: not Erin's event, and not an error in its place.
      expect(daveSubscription.payloads).toHaveLength(1);
      expect(daveSubscription.errors).toEqual([]);
    });

    it("an admin receives every user's events, in the order they happened", async () => {
      const frank = await harness.token("frank");
      const grace = await harness.token("grace");
      const admin = await harness.token("operator", { admin: true });
      const frankItem = await createSandboxItem(harness, frank);
      const graceItem = await createSandboxItem(harness, grace);
      await harness.settle();
      const frankSubscription = await subscribeFromNow(frank);
      const adminSubscription = await subscribeFromNow(admin);

      await breakLogin(graceItem, grace);
      await breakLogin(frankItem, frank);
      await waitUntil(() => adminSubscription.eventsOf(frankItem).length > 0 && frankSubscription.eventsOf(frankItem).length > 0, { what: "both events at the admin" });

      expect(adminSubscription.events.map((event) => [event.itemId, event.cause, event.status])).toEqual([
        [graceItem, "ERROR", "LOGIN_REQUIRED"],
        [frankItem, "ERROR", "LOGIN_REQUIRED"],
      ]);
      // The admin sees the Item of a user it is not.
      expect(adminSubscription.eventsOf(graceItem)[0]!.item).toEqual({ id: graceItem, status: "LOGIN_REQUIRED" });
      expect(adminSubscription.errors).toEqual([]);
      expect(frankSubscription.events.map((event) => event.itemId)).toEqual([frankItem]);
      expect(frankSubscription.payloads).toHaveLength(1);
    });

    it("itemIds limits the subscription to the named Items (naming another user's Item gives nothing of it)", async () => {
      const heidi = await harness.token("heidi");
      const ivan = await harness.token("ivan");
      const ignored = await createSandboxItem(harness, heidi);
      const watched = await createSandboxItem(harness, heidi);
      const ivanItem = await createSandboxItem(harness, ivan);
      await harness.settle();
      const subscription = await subscribeFromNow(heidi, { itemIds: [watched, ivanItem] });

      await breakLogin(ignored, heidi);
      await breakLogin(ivanItem, ivan);
      await breakLogin(watched, heidi);
      await waitUntil(() => subscription.eventsOf(watched).length > 0, { what: "the watched Item's event" });

      expect(subscription.events.map((event) => event.itemId)).toEqual([watched]);
      expect(subscription.payloads).toHaveLength(1);
    });
  });

  describe("resuming with after", () => {
    it("a subscriber that reconnects with the cursor of the last event it saw receives exactly the 3 it missed, in order, then live ones, none twice", async () => {
      const { token, itemId, subscription: first } = await subscribedToNewItem("judy");
      await breakLogin(itemId, token);
      await waitUntil(() => first.events.length > 0, { what: "the first event" });
      expect(first.events.map((event) => event.cause)).toEqual(["ERROR"]);
      const lastSeen = first.events.at(-1)!;
      await first.close();

      // Three events while the client is away.
      await repairLogin(itemId, token);
      await fireWebhook(itemId, "NEW_ACCOUNTS_AVAILABLE", token);
      await fireWebhook(itemId, "PENDING_DISCONNECT", token);
      const missed = (await historyOf(itemId, token)).slice(-3);
      expect(missed.map((event) => [event.cause, event.previousStatus, event.status])).toEqual([
        ["LOGIN_REPAIRED", "LOGIN_REQUIRED", "HEALTHY"],
        ["NEW_ACCOUNTS_AVAILABLE", "HEALTHY", "HEALTHY"],
        ["PENDING_DISCONNECT", "HEALTHY", "PENDING_DISCONNECT"],
      ]);

      const resumed = subscribe(token, { after: lastSeen.cursor });
      await waitUntil(() => resumed.events.length >= 3, { what: "the 3 missed events" });
      expect(resumed.events.map((event) => event.cursor)).toEqual(missed.map((event) => event.cursor));

      // Then live ones; the last one closes the run, so a repeated event would have arrived before it.
      await fireWebhook(itemId, "USER_PERMISSION_REVOKED", token);
      const removed = await harness.graphql(RemoveItemDocument, { itemId }, token);
      expect(removed.errors).toBeUndefined();
      await harness.settle();
      await waitUntil(() => resumed.events.length >= 5, { what: "the live events after the missed ones" });

      const history = await historyOf(itemId, token);
      const afterLastSeen = history.slice(history.findIndex((event) => event.cursor === lastSeen.cursor) + 1);
      expect(afterLastSeen).toHaveLength(5);
      expect(resumed.events.map((event) => event.cursor)).toEqual(afterLastSeen.map((event) => event.cursor));
      expect(resumed.events.map((event) => [event.cause, event.status])).toEqual([
        ["LOGIN_REPAIRED", "HEALTHY"],
        ["NEW_ACCOUNTS_AVAILABLE", "HEALTHY"],
        ["PENDING_DISCONNECT", "PENDING_DISCONNECT"],
        ["USER_PERMISSION_REVOKED", "PERMISSION_REVOKED"],
        ["REMOVED", "REMOVED"],
      ]);
      expect(resumed.payloads).toHaveLength(5);
    });

    it("resuming while new events keep arriving delivers every event after the cursor exactly once, in log order", async () => {
      const { token, itemId: firstItem } = await userWithItem("kim");
      const [start] = (await historyOf(firstItem, token)).slice(-1);

      // The client reconnects while Items are being linked, so some events come from the log and some live.
      const resumed = subscribe(token, { after: start!.cursor });
      const linked = await Promise.all(Array.from({ length: 6 }, () => createSandboxItem(harness, token)));
      await harness.settle();
      const closing = await createSandboxItem(harness, token);
      await waitUntil(() => resumed.eventsOf(closing).length > 0, { what: "the event of the last Item linked" });

      const sequences = resumed.events.map((event) => eventSequenceFromCursor(event.cursor)!);
      expect(new Set(sequences).size, "no event is delivered twice").toBe(sequences.length);
      expect(sequences, "events arrive in log order").toEqual([...sequences].sort((a, b) => a - b));
      expect(resumed.events.map((event) => event.itemId).sort()).toEqual([...linked, closing].sort());
      expect(resumed.events.every((event) => event.cause === "LINKED" && event.status === "HEALTHY")).toBe(true);
      expect(resumed.payloads).toHaveLength(resumed.events.length);
    });

    it("an event committed while a resuming subscriber reads the log is delivered once, not once from the log and once live", async () => {
      const { token, itemId: firstItem } = await userWithItem("leo");
      const [start] = (await historyOf(firstItem, token)).slice(-1);

      streams.replay.close();
      const resumed = subscribe(token, { after: start!.cursor });
      // The stream listens for live events before it reads the log; hold it right there.
      const [during, closing] = await linkWhileHeld(streams.replay, resumed, token, "the stream to start reading the log");

      expect(resumed.events.map((event) => [event.itemId, event.cause])).toEqual([
        [during, "LINKED"],
        [closing, "LINKED"],
      ]);
      expect(resumed.payloads).toHaveLength(2);
    });

    it("without after, an event committed while the subscription is being opened is not lost", async () => {
      const { token } = await userWithItem("mia");

      streams.start.close();
      const subscription = subscribe(token);
      // The gateway has read where the stream starts but does not listen for live events yet.
      const [during, closing] = await linkWhileHeld(streams.start, subscription, token, "the gateway to read where the stream starts");

      expect(subscription.events.map((event) => [event.itemId, event.cause])).toEqual([
        [during, "LINKED"],
        [closing, "LINKED"],
      ]);
      expect(subscription.payloads).toHaveLength(2);
    });
  });

  describe("bad arguments", () => {
    it.each([
      ["after is not a cursor", { after: "nonsense" }, /after/],
      ["101 itemIds", { itemIds: Array.from({ length: 101 }, (_, i) => `item-${i}`) }, /at most 100/],
      ["an empty itemIds list", { itemIds: [] }, /itemIds/],
    ] as const)("%s: a BAD_USER_INPUT error over the socket, without a stack trace", async (_case, options, message) => {
      const token = await harness.token("careless");
      const subscription = subscribe(token, options as SubscribeOptions);
      await waitUntil(() => subscription.ended, { what: "the subscription to be answered" });
      expect(subscription.errors).toHaveLength(1);
      expect(subscription.errors[0]).toMatchObject({ message: expect.stringMatching(message), extensions: { code: "BAD_USER_INPUT", requestId: expect.any(String) } });
      expect(subscription.events).toEqual([]);
      const sent = JSON.stringify(subscription.payloads);
      expect(sent).not.toMatch(/stacktrace|\bat \S+ \(|\.ts:\d+/i);
      // A bad subscription is the operation's error, not the connection's: the gateway does not drop the
      // socket (the client closes it normally once its only operation is over).
      expect(subscription.closed?.code ?? 1000).toBe(1000);
    });

    it("variables of the wrong type: BAD_USER_INPUT, as over HTTP", async () => {
      const token = await harness.token("careless");
      const subscription = subscribe(token, { after: { not: "a cursor" } as unknown as string });
      await waitUntil(() => subscription.ended, { what: "the subscription to be answered" });
      expect(subscription.errors[0]?.extensions?.code).toBe("BAD_USER_INPUT");
      const overHttp = await harness.graphql("query ($id: ID!) { item(id: $id) { id } }", { id: { not: "an id" } }, token);
      expect(overHttp.errors?.[0]?.extensions?.code).toBe("BAD_USER_INPUT");
    });
  });
});
