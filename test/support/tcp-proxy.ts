import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll } from "vitest";
import { openStore, type Store } from "../../src/datasources/store/store.js";
import { dropSchema, POSTGRES_URL, uniqueSchema } from "./databases.js";
import { useTestGateway, type TestGateway } from "./gateway-harness.js";
import { lateBound } from "./suite-fixture.js";

/** A TCP proxy the test controls, to take a real server (PostgreSQL) away from the gateway and give it back. */
export interface TcpProxy {
  /** The port the proxy listens on (127.0.0.1). */
  port: number;
  /** Destroys every open connection and refuses new ones until restore(). */
  cut(): void;
  /** Accepts and forwards connections again. */
  restore(): void;
  /** Connections accepted and forwarded so far. */
  readonly forwarded: number;
  /** Connections refused while cut. */
  readonly refused: number;
  close(): Promise<void>;
}

/** Listens on a random port of 127.0.0.1 and resolves with the port. */
export async function listenOnLoopback(server: net.Server): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return (server.address() as AddressInfo).port;
}

/** A port of 127.0.0.1 nothing listens on (a server that is gone). */
export async function closedPort(): Promise<number> {
  const server = net.createServer();
  const port = await listenOnLoopback(server);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** Listens on a random port of 127.0.0.1 and forwards each connection to target. */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let isCut = false;
  let forwarded = 0;
  let refused = 0;
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    // A destroyed peer is expected here; the other side is closed with it.
    socket.on("error", () => {});
  };

  const server = net.createServer((client) => {
    if (isCut) {
      refused++;
      client.on("error", () => {});
      client.destroy();
      return;
    }
    forwarded++;
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  const port = await listenOnLoopback(server);

  return {
    port,
    cut() {
      isCut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      isCut = false;
    },
    get forwarded() {
      return forwarded;
    },
    get refused() {
      return refused;
    },
    close() {
      isCut = true;
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A store on the machine's PostgreSQL reached through a proxy the test can cut (in a schema of its
 * own, dropped by the cleanup), for tests of what happens while the database is unreachable.
 */
async function openStoreBehindProxy(): Promise<{ proxy: TcpProxy; store: Store; cleanup: () => Promise<void> }> {
  const target = new URL(POSTGRES_URL);
  const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(POSTGRES_URL);
  proxied.hostname = "127.0.0.1";
  proxied.port = String(proxy.port);
  const schema = uniqueSchema();
  const store = await openStore({ databaseUrl: proxied.toString(), postgres: { schema } });
  return { proxy, store, cleanup: () => dropSchema(schema) };
}

/** A gateway for the enclosing describe whose PostgreSQL store sits behind a proxy the tests cut and restore. */
export function useGatewayOnCuttablePostgres(): { harness: TestGateway; proxy: TcpProxy } {
  let proxy: TcpProxy | undefined;
  const { harness } = useTestGateway(async () => {
    const opened = await openStoreBehindProxy();
    proxy = opened.proxy;
    // The proxy goes last: the store is closed through it.
    return { store: { store: opened.store, cleanup: () => opened.cleanup().finally(() => opened.proxy.close()) } };
  });
  // After-hooks run last-registered first: the link is back before the gateway stops, whatever a test left cut.
  afterAll(() => proxy?.restore());
  return { harness, proxy: lateBound("the store's proxy", () => proxy) };
}

/** A TCP proxy that can freeze: connections stay open and nothing passes either way until it thaws (a server that hangs). */
export interface FreezableProxy {
  port: number;
  /** targetUrl with its host and port replaced by the proxy's. */
  url: string;
  freeze(): void;
  thaw(): void;
  close(): Promise<void>;
}

/** Listens on a random port of 127.0.0.1 and forwards each connection to the server of targetUrl (defaultPort when it names none). */
export async function startFreezableProxy(targetUrl: string, defaultPort: number): Promise<FreezableProxy> {
  const target = new URL(targetUrl);
  let frozen = false;
  const held: Array<() => void> = [];
  const sockets = new Set<net.Socket>();
  const forward = (from: net.Socket, to: net.Socket) =>
    from.on("data", (chunk: Buffer) => {
      if (frozen) held.push(() => to.write(chunk));
      else to.write(chunk);
    });
  const server = net.createServer((client) => {
    const upstream = net.connect(Number(target.port || defaultPort), target.hostname);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("error", () => {});
      socket.once("close", () => {
        sockets.delete(socket);
        client.destroy();
        upstream.destroy();
      });
    }
    forward(client, upstream);
    forward(upstream, client);
  });
  const port = await listenOnLoopback(server);
  const url = new URL(targetUrl);
  url.hostname = "127.0.0.1";
  url.port = String(port);
  return {
    port,
    url: url.toString(),
    freeze: () => void (frozen = true),
    thaw() {
      frozen = false;
      for (const send of held.splice(0)) send();
    },
    close() {
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
