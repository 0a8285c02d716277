/**
 * Subscribers: graphql-ws clients (protocol graphql-transport-ws over `ws`), all in this one process on
 * core 1. Every frame received is recorded with its arrival time, by the event's cursor, so the
 * orchestrator can count deliveries (expected vs received) and compute latencies.
 */
import WebSocket from "ws";
import { serveRpc } from "../lib/rpc.js";
import { sleep, wallNow } from "../lib/util.js";

export interface ConnectJob {
  group: string;
  /** ws://host:port/graphql */
  url: string;
  count: number;
  authorization: string;
  query: string;
  /** Handshakes in flight at once; 0 opens every connection at once (a storm). */
  concurrency: number;
  timeoutMs: number;
}

export interface ConnectResult {
  group: string;
  requested: number;
  opened: number;
  acked: number;
  failed: number;
  /** Failure causes (error codes, close codes) → connections. */
  failures: Record<string, number>;
  /** From the first connection attempt to the last open / last connection_ack, in ms. */
  openAllMs: number | null;
  ackAllMs: number | null;
  startedAt: number;
  timedOut: boolean;
}

export interface KeyFrames {
  itemId: string | null;
  /** The event's occurredAt (epoch ms), when it carries one. */
  occurredAt: number | null;
  /** Arrival time (epoch ms) of every copy received. */
  arrivals: number[];
}

interface Connection {
  socket: WebSocket;
  state: "pending" | "acked" | "failed";
}

interface Group {
  connections: Connection[];
  frames: Map<string, KeyFrames>;
  frameCount: number;
  errors: number;
  closedAfterAck: number;
  closeCodes: Record<string, number>;
}

interface NextMessage {
  type: string;
  payload?: { data?: { itemStatusChanged?: { cursor?: string; itemId?: string; occurredAt?: string } }; errors?: unknown };
}

const groups = new Map<string, Group>();

function groupOf(name: string): Group {
  let group = groups.get(name);
  if (!group) groups.set(name, (group = { connections: [], frames: new Map(), frameCount: 0, errors: 0, closedAfterAck: 0, closeCodes: {} }));
  return group;
}

function onFrame(group: Group, data: WebSocket.RawData, arrived: number): void {
  const message = JSON.parse(data.toString()) as NextMessage;
  if (message.type !== "next") return;
  if (message.payload?.errors) group.errors += 1;
  const event = message.payload?.data?.itemStatusChanged;
  if (!event?.cursor) return;
  let frames = group.frames.get(event.cursor);
  if (!frames) {
    frames = { itemId: event.itemId ?? null, occurredAt: event.occurredAt ? Date.parse(event.occurredAt) : null, arrivals: [] };
    group.frames.set(event.cursor, frames);
  }
  frames.arrivals.push(arrived);
  group.frameCount += 1;
}

function connect(job: ConnectJob): Promise<ConnectResult> {
  const group = groupOf(job.group);
  const startedAt = wallNow();
  const failures: Record<string, number> = {};
  let opened = 0;
  let acked = 0;
  let failed = 0;
  let launched = 0;
  let inFlight = 0;
  let lastOpen = 0;
  let lastAck = 0;
  const subscribe = JSON.stringify({ id: "1", type: "subscribe", payload: { query: job.query } });
  const init = JSON.stringify({ type: "connection_init", payload: { authorization: job.authorization } });

  return new Promise((resolve) => {
    let finished = false;
    const finish = (timedOut: boolean) => {
      if (finished) return;
      finished = true;
      clearTimeout(timer);
      resolve({
        group: job.group,
        requested: job.count,
        opened,
        acked,
        failed,
        failures,
        openAllMs: opened === job.count ? lastOpen - startedAt : null,
        ackAllMs: acked === job.count ? lastAck - startedAt : null,
        startedAt,
        timedOut,
      });
    };
    const timer = setTimeout(() => finish(true), job.timeoutMs);
    const settled = () => {
      inFlight -= 1;
      if (acked + failed === job.count) finish(false);
      else launch();
    };
    const fail = (cause: string, connection: Connection) => {
      if (connection.state !== "pending") return;
      failures[cause] = (failures[cause] ?? 0) + 1;
      failed += 1;
      connection.state = "failed";
      settled();
    };
    const open = () => {
      const socket = new WebSocket(job.url, "graphql-transport-ws", { perMessageDeflate: false, handshakeTimeout: job.timeoutMs });
      const connection: Connection = { socket, state: "pending" };
      group.connections.push(connection);
      socket.on("open", () => {
        opened += 1;
        lastOpen = wallNow();
        socket.send(init);
      });
      socket.on("message", (data) => {
        const arrived = wallNow();
        if (connection.state !== "acked") {
          const message = JSON.parse(data.toString()) as NextMessage;
          if (message.type === "connection_ack" && connection.state === "pending") {
            connection.state = "acked";
            acked += 1;
            lastAck = arrived;
            socket.send(subscribe);
            settled();
          }
          return;
        }
        if (data.toString().startsWith('{"type":"ping"')) socket.send('{"type":"pong"}');
        else onFrame(group, data, arrived);
      });
      socket.on("error", (error: NodeJS.ErrnoException) => fail(error.code ?? error.message.slice(0, 60), connection));
      socket.on("close", (code) => {
        if (connection.state === "acked") {
          group.closedAfterAck += 1;
          group.closeCodes[code] = (group.closeCodes[code] ?? 0) + 1;
        } else fail(`close ${code}`, connection);
      });
    };
    const launch = () => {
      while (launched < job.count && (job.concurrency === 0 || inFlight < job.concurrency)) {
        launched += 1;
        inFlight += 1;
        open();
      }
    };
    launch();
  });
}

/** Frames received by a group so far, by event cursor; `reset` forgets them afterwards. */
function frames(params: { group: string; reset?: boolean }): { frames: Record<string, KeyFrames>; frameCount: number; errors: number; closedAfterAck: number } {
  const group = groupOf(params.group);
  const result = { frames: Object.fromEntries(group.frames), frameCount: group.frameCount, errors: group.errors, closedAfterAck: group.closedAfterAck };
  if (params.reset) {
    group.frames = new Map();
    group.frameCount = 0;
  }
  return result;
}

function frameCount(params: { group: string }): { frameCount: number; keys: number } {
  const group = groupOf(params.group);
  return { frameCount: group.frameCount, keys: group.frames.size };
}

function openCount(params: { group: string }): number {
  return groupOf(params.group).connections.filter((c) => c.socket.readyState === WebSocket.OPEN).length;
}

async function close(params: { group: string }): Promise<{ closeCodes: Record<string, number> }> {
  const group = groupOf(params.group);
  for (const { socket } of group.connections) {
    if (socket.readyState === WebSocket.OPEN) socket.close(1000);
    else if (socket.readyState === WebSocket.CONNECTING) socket.terminate();
  }
  const deadline = Date.now() + 10_000;
  while (group.connections.some((c) => c.socket.readyState !== WebSocket.CLOSED) && Date.now() < deadline) await sleep(50);
  for (const { socket } of group.connections) if (socket.readyState !== WebSocket.CLOSED) socket.terminate();
  groups.delete(params.group);
  return { closeCodes: group.closeCodes };
}

serveRpc({ connect, frames, frameCount, openCount, close });
