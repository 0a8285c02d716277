import { execute, type DocumentNode, type ExecutionResult } from "graphql";
import { randomUUID } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type { WebSocket } from "ws";
import type { ItemEvent } from "../domain/item-event.js";
import type { Viewer } from "../domain/viewer.js";
import type { OperationRun } from "../graphql/operation-run.js";
import type { GraphqlPipeline } from "../graphql/pipeline.js";
import type { GatewayContext } from "../resolvers/context.js";
import type { ItemEventSink } from "../services/item-status-stream.js";

/** Longest a fan-out writes before the event loop gets a turn, so HTTP requests and webhooks go on meanwhile. */
const TURN_MS = 3;
/** Sockets written between looks at the clock. */
const SENDS_PER_CHECK = 32;

/** What a group's one execution per event runs: the same for every subscriber in it. */
export interface SharedOperation {
  document: DocumentNode;
  operationName: string | null | undefined;
  variableValues: Record<string, unknown> | null | undefined;
  /** Any of the group's viewers: they all see the same (one user, or admins). */
  viewer: Viewer;
}

/** Where one subscription's `next` frames go, and what it reports to the operation observer. */
export interface LiveTarget {
  socket: Pick<WebSocket, "readyState" | "OPEN" | "send">;
  operationId: string;
  requestId: string;
  run: OperationRun;
}

/** A `next` payload serialised once; with errors it is split where each subscriber's request id goes. */
interface Payload {
  parts: string[];
  failed: boolean;
}

interface Delivery {
  event: ItemEvent;
  recipients: LiveSubscriber[];
}

/**
 * Subscribers of one document, variables (but the cursor) and viewer scope: each event is executed
 * once for all of them and its payload serialised once, then written to every socket with the
 * operation's id spliced in, in order, a few hundred sockets per turn of the event loop.
 */
export class LiveGroup {
  /** Subscribers in the group (it is dropped at none). */
  members = 0;
  private readonly queue: Delivery[] = [];
  private draining: Promise<void> | null = null;

  constructor(
    private readonly operation: SharedOperation,
    private readonly pipeline: GraphqlPipeline,
  ) {}

  /**
   * Queues an event for a subscriber. Subscribers given the same event one after the other (a live event,
   * a page of a shared replay) share its execution; a subscriber's events keep the order they came in.
   */
  enqueue(event: ItemEvent, subscriber: LiveSubscriber): void {
    const last = this.queue[this.queue.length - 1];
    if (last && last.event.sequence === event.sequence) last.recipients.push(subscriber);
    else this.queue.push({ event, recipients: [subscriber] });
    this.draining ??= this.drain();
  }

  /** Resolves once every queued event has been written. */
  flushed(): Promise<void> {
    return this.draining ?? Promise.resolve();
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const delivery = this.queue[0]!;
        await this.fanOut(delivery, await this.render(delivery.event));
      }
    } finally {
      this.draining = null;
    }
  }

  /** Writes to every recipient, also those added while it writes; the delivery leaves the queue in the same turn as its last write. */
  private async fanOut(delivery: Delivery, payload: Payload | Error): Promise<void> {
    const { recipients } = delivery;
    let turnStarted = performance.now();
    for (let written = 0; written < recipients.length; written++) {
      if (payload instanceof Error) recipients[written]!.fail(payload);
      else recipients[written]!.write(payload);
      if (written % SENDS_PER_CHECK === SENDS_PER_CHECK - 1 && performance.now() - turnStarted >= TURN_MS) {
        await nextTurn();
        turnStarted = performance.now();
      }
    }
    this.queue.shift();
  }

  /** The event through the subscription's selection set, with a context of its own (fresh loaders, its staleData). */
  private async render(event: ItemEvent): Promise<Payload | Error> {
    const { document, operationName, variableValues, viewer } = this.operation;
    const context = this.pipeline.createContext(viewer, randomUUID());
    try {
      const result = await execute({ schema: this.pipeline.schema, document, operationName, variableValues, contextValue: context, rootValue: event });
      return payloadOf(this.pipeline, result, context);
    } catch (error) {
      return error instanceof Error ? error : new Error(String(error));
    }
  }
}

/** The answer as the pipeline completes it: errors shaped, staleData added, a slot for each subscriber's request id. */
function payloadOf(pipeline: GraphqlPipeline, result: ExecutionResult, context: GatewayContext): Payload {
  if (!result.errors) return { parts: [JSON.stringify(pipeline.completeResponse({ data: result.data }, context))], failed: false };
  const slot = `request-id-${randomUUID()}`;
  const errors = result.errors.map((error) => pipeline.formatError(error.toJSON(), error));
  const body = pipeline.completeResponse({ data: result.data, errors }, { requestId: slot, staleData: context.staleData });
  return { parts: JSON.stringify(body).split(slot), failed: true };
}

/** One subscription in a group: the hub's sink for it, writing the group's payloads to its socket. */
export class LiveSubscriber implements ItemEventSink {
  private readonly prefix: string;
  private active = true;

  constructor(
    private readonly target: LiveTarget,
    private readonly group: LiveGroup,
    private readonly end: (error: unknown) => void,
  ) {
    this.prefix = `{"id":${JSON.stringify(target.operationId)},"type":"next","payload":`;
  }

  next(event: ItemEvent): void {
    if (this.active) this.group.enqueue(event, this);
  }

  flushed(): Promise<void> {
    return this.group.flushed();
  }

  fail(error: unknown): void {
    this.end(error);
  }

  /** Nothing more is written once the subscription is over. */
  stop(): void {
    this.active = false;
  }

  write(payload: Payload): void {
    const { socket } = this.target;
    if (!this.active || socket.readyState !== socket.OPEN) return;
    socket.send(this.prefix + (payload.parts.length === 1 ? payload.parts[0]! : payload.parts.join(this.target.requestId)) + "}");
    if (payload.failed) this.target.run.fail();
  }
}
