import { setImmediate as nextTurn } from "node:timers/promises";
import type { Store } from "../datasources/store/store.js";
import type { ItemEvent } from "../domain/item-event.js";
import type { Logger } from "../logger.js";
import type { ItemEventFeed } from "./item-event-ports.js";

/** Events read from the log per query. */
const PAGE = 200;
/** Events remembered as handed out above the caught-up position before the log is read to forget them. */
const MAX_REMEMBERED = 1000;
/** Pause before a catch-up the log could not serve is tried again. */
const RETRY_MS = 1000;

/** Where one subscription's events go, in log order for that subscription and none twice. */
export interface ItemEventSink {
  next(event: ItemEvent): void;
  /** Resolves once what `next` was given has gone out (reading a long replay waits for it between pages). */
  flushed(): Promise<void>;
  /** The subscription cannot go on (the event log could not be read); it has been removed. */
  fail(error: unknown): void;
}

/** One subscription: whose events (a user's, or everyone's when null), which Items, from where. */
export interface HubSubscription {
  userId: string | null;
  itemIds: ReadonlySet<string> | null;
  /** Sequence of the last event the client saw (`after`), or null to start now. */
  after: number | null;
  sink: ItemEventSink;
}

/** A subscription's state in the hub. */
class Member {
  /** Every event at or below it was delivered, or came before the subscription's start. */
  low = 0;
  /** Sequences above `low` delivered from the log while starting (they may still arrive live). */
  delivered: Set<number> | null = null;
  /** Live events held while the start is read from the log; null once live. */
  held: ItemEvent[] | null = [];
  joined = false;
  stopped = false;

  constructor(readonly subscription: HubSubscription) {}

  wants(event: ItemEvent): boolean {
    const { userId, itemIds } = this.subscription;
    return (userId === null || event.userId === userId) && (!itemIds || itemIds.has(event.itemId));
  }

  /** An event read from the log while starting (`horizon`: the log's end when the start was read). */
  fromLog(event: ItemEvent, horizon: number): void {
    const start = this.subscription.after ?? horizon;
    if (this.stopped || event.sequence <= start || !this.wants(event)) return;
    this.subscription.sink.next(event);
    if (event.sequence > Math.max(start, horizon)) (this.delivered ??= new Set()).add(event.sequence);
  }

  /** A live event (or one a catch-up found), handed to every member of its feed once. */
  offer(event: ItemEvent): void {
    if (this.stopped || !this.wants(event)) return;
    if (this.held) this.held.push(event);
    else if (event.sequence > this.low && !this.delivered?.has(event.sequence)) this.subscription.sink.next(event);
  }

  /** The start is read: from now on live events go straight out, those held first. */
  goLive(horizon: number): void {
    this.low = Math.max(this.subscription.after ?? horizon, horizon);
    const held = this.held ?? [];
    this.held = null;
    for (const event of held) this.offer(event);
  }
}

interface Feed {
  members: Set<Member>;
  unsubscribe(): void;
}

/**
 * This instance's live Item events for all its subscriptions: one bus listener per user (and one for
 * admins), each event handed to the subscriptions that want it once, however often it arrives. Starting
 * subscriptions share their reads of the log: those starting together read the log's end once, and one
 * read after it finds what was committed while they began to listen. When the bus says events from other
 * instances may have been missed, one catch-up read serves every subscription.
 */
export class ItemEventHub {
  private readonly feeds = new Map<string | null, Feed>();
  /** Every event at or below it was handed out (or is not wanted); null while nothing is subscribed. */
  private low: number | null = null;
  /** Sequences above `low` already handed out: events from other instances arrive out of order. */
  private readonly seen = new Set<number>();
  private readonly queued: Member[] = [];
  private starting = false;
  private catchingUp = false;
  private catchUpAgain = false;
  /** Bumped when the last subscription leaves: a catch-up begun before then must not apply. */
  private generation = 0;

  constructor(
    private readonly store: Store,
    private readonly bus: ItemEventFeed,
    private readonly logger: Logger,
  ) {
    bus.onResync(() => this.catchUp());
  }

  /** Starts a subscription; returns the function that ends it (safe to call twice). */
  add(subscription: HubSubscription): () => void {
    const member = new Member(subscription);
    this.queued.push(member);
    void this.startQueued();
    return () => this.remove(member);
  }

  private async startQueued(): Promise<void> {
    if (this.starting) return;
    this.starting = true;
    try {
      // Subscriptions that arrive in the same turn of the event loop (a reconnect storm) start together.
      await nextTurn();
      while (this.queued.length > 0) {
        const batch = this.queued.splice(0).filter((member) => !member.stopped);
        if (batch.length > 0) await this.startBatch(batch);
      }
    } finally {
      this.starting = false;
    }
  }

  /**
   * Where a batch starts is the log's end, read before its subscriptions listen for live events; once
   * they listen, the log is read after it (and after each `after`), so nothing falls in between.
   */
  private async startBatch(batch: Member[]): Promise<void> {
    let horizon: number;
    try {
      horizon = await this.store.events.latestSequence();
      for (const member of batch) this.join(member);
      await this.bus.whenSubscribed();
    } catch (error) {
      for (const member of batch) this.fail(member, error);
      return;
    }
    if (this.low === null && this.feeds.size > 0) this.forgetUpTo(horizon);
    const fresh = batch.filter((member) => member.subscription.after === null);
    const reads = fresh.length > 0 ? [this.readStart(fresh, horizon, {}, horizon)] : [];
    for (const resuming of groupByFilter(batch.filter((member) => member.subscription.after !== null))) {
      const { userId, itemIds } = resuming[0]!.subscription;
      const from = Math.min(...resuming.map((member) => member.subscription.after!));
      reads.push(this.readStart(resuming, from, { userId: userId ?? undefined, itemIds: itemIds ? [...itemIds] : undefined }, horizon));
    }
    // The next batch's start need not wait for these reads.
    void Promise.all(reads);
  }

  /** One read of the log for members starting together, handed to each from where it starts. */
  private async readStart(members: Member[], from: number, filter: { userId?: string; itemIds?: string[] }, horizon: number): Promise<void> {
    try {
      let position = from;
      for (;;) {
        const page = await this.store.events.listAfter(position, filter, PAGE);
        for (const event of page) for (const member of members) member.fromLog(event, horizon);
        if (page.length < PAGE) break;
        position = page[page.length - 1]!.sequence;
        await Promise.all(members.map((member) => member.subscription.sink.flushed()));
      }
    } catch (error) {
      for (const member of members) this.fail(member, error);
      return;
    }
    for (const member of members) if (!member.stopped) member.goLive(horizon);
  }

  private join(member: Member): void {
    if (member.stopped) return;
    const { userId } = member.subscription;
    let feed = this.feeds.get(userId);
    if (!feed) {
      const members = new Set<Member>();
      feed = {
        members,
        unsubscribe: this.bus.subscribe(
          userId,
          (event) => this.receive(event),
          () => members.size,
        ),
      };
      this.feeds.set(userId, feed);
    }
    feed.members.add(member);
    member.joined = true;
  }

  private remove(member: Member): void {
    if (member.stopped) return;
    member.stopped = true;
    if (!member.joined) return;
    const { userId } = member.subscription;
    const feed = this.feeds.get(userId);
    if (!feed?.members.delete(member) || feed.members.size > 0) return;
    this.feeds.delete(userId);
    feed.unsubscribe();
    if (this.feeds.size > 0) return;
    this.generation += 1;
    this.low = null;
    this.seen.clear();
  }

  private fail(member: Member, error: unknown): void {
    if (member.stopped) return;
    this.logger.warn({ err: error }, "Item status subscription ended by an error");
    this.remove(member);
    member.subscription.sink.fail(error);
  }

  /** An event from the bus or from a catch-up read: to the owner's and the admins' subscriptions, once. */
  private receive(event: ItemEvent): void {
    const owner = this.feeds.get(event.userId);
    const everyone = this.feeds.get(null);
    if (!owner && !everyone) return;
    if ((this.low !== null && event.sequence <= this.low) || this.seen.has(event.sequence)) return;
    this.seen.add(event.sequence);
    if (owner) for (const member of owner.members) member.offer(event);
    if (everyone) for (const member of everyone.members) member.offer(event);
    // Reading the log now and then keeps the memory of handed-out events small.
    if (this.seen.size >= MAX_REMEMBERED && !this.catchingUp) this.catchUp();
  }

  /** Reads the log after `low` once for every subscription; runs again if asked meanwhile, retries when the log cannot answer. */
  private catchUp(): void {
    if (this.catchingUp) {
      this.catchUpAgain = true;
      return;
    }
    this.catchingUp = true;
    void (async () => {
      try {
        do {
          this.catchUpAgain = false;
          await this.catchUpOnce();
        } while (this.catchUpAgain);
      } catch (error) {
        this.logger.warn({ err: error }, "could not read the Item event log to catch up; trying again");
        setTimeout(() => this.catchUp(), RETRY_MS).unref();
      } finally {
        this.catchingUp = false;
      }
    })();
  }

  private async catchUpOnce(): Promise<void> {
    const { generation, low } = this;
    if (low === null) return;
    // The log is appended in sequence order under a lock, so once its end has been read, every event
    // up to it is committed and in the pages read next.
    const horizon = await this.store.events.latestSequence();
    let position = low;
    for (;;) {
      const page = await this.store.events.listAfter(position, {}, PAGE);
      if (generation !== this.generation) return;
      for (const event of page) this.receive(event);
      if (page.length < PAGE) break;
      position = page[page.length - 1]!.sequence;
    }
    if (generation === this.generation) this.forgetUpTo(horizon);
  }

  private forgetUpTo(sequence: number): void {
    if (this.low !== null && sequence <= this.low) return;
    this.low = sequence;
    for (const handed of this.seen) if (handed <= sequence) this.seen.delete(handed);
  }
}

/** Resuming members by the events they want, so each filter's log is read once per batch. */
function groupByFilter(members: Member[]): Member[][] {
  const groups = new Map<string, Member[]>();
  for (const member of members) {
    const { userId, itemIds } = member.subscription;
    const key = JSON.stringify([userId, itemIds ? [...itemIds].sort() : null]);
    const group = groups.get(key);
    if (group) group.push(member);
    else groups.set(key, [member]);
  }
  return [...groups.values()];
}
