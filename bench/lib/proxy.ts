import net from "node:net";

/** Statements a PostgreSQL client sent through the proxy, read from the frontend protocol. */
export interface StatementCounts {
  /** Simple-protocol queries ('Q') and extended-protocol executions ('E'). */
  total: number;
  /** BEGIN, COMMIT and ROLLBACK among them. */
  transactionControl: number;
  /** The statement's first 70 characters (whitespace collapsed) → executions. */
  byText: Record<string, number>;
}

export interface TcpProxy {
  port: number;
  /** Connections accepted and forwarded so far. */
  readonly forwarded: number;
  /** Destroys every open connection and refuses new ones until restore(). */
  cut(): void;
  restore(): void;
  statements(): StatementCounts;
  resetStatements(): void;
  close(): Promise<void>;
}

const SSL_REQUEST = 80_877_103;
const GSSENC_REQUEST = 80_877_104;

/** Reads the client→server PostgreSQL stream of one connection and counts the statements in it. */
class FrontendParser {
  private buffer: Buffer = Buffer.alloc(0);
  private started = false;
  private lastParsed = "";

  constructor(private readonly count: (text: string) => void) {}

  push(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      if (!this.started) {
        if (this.buffer.length < 8) return;
        const length = this.buffer.readInt32BE(0);
        if (this.buffer.length < length) return;
        const code = this.buffer.readInt32BE(4);
        // An SSL or GSS request comes before the real startup message.
        if (code !== SSL_REQUEST && code !== GSSENC_REQUEST) this.started = true;
        this.buffer = this.buffer.subarray(length);
        continue;
      }
      if (this.buffer.length < 5) return;
      const type = String.fromCharCode(this.buffer[0]!);
      const length = this.buffer.readInt32BE(1);
      if (this.buffer.length < 1 + length) return;
      const payload = this.buffer.subarray(5, 1 + length);
      if (type === "Q") this.count(payload.toString("utf8", 0, Math.max(0, payload.length - 1)));
      else if (type === "P") {
        // Parse: statement name, then the query text (both NUL-terminated).
        const nameEnd = payload.indexOf(0);
        const textEnd = payload.indexOf(0, nameEnd + 1);
        this.lastParsed = payload.toString("utf8", nameEnd + 1, textEnd);
      } else if (type === "E") this.count(this.lastParsed);
      this.buffer = this.buffer.subarray(1 + length);
    }
  }
}

/** A TCP proxy on 127.0.0.1 that the bench can cut, optionally counting PostgreSQL statements. */
export async function startProxy(target: { host: string; port: number }, options: { countPostgres?: boolean } = {}): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let isCut = false;
  let forwarded = 0;
  let counts: StatementCounts = { total: 0, transactionControl: 0, byText: {} };
  const count = (text: string) => {
    const key = text.replace(/\s+/g, " ").trim().slice(0, 70);
    counts.total += 1;
    if (/^(BEGIN|COMMIT|ROLLBACK)\b/i.test(key)) counts.transactionControl += 1;
    counts.byText[key] = (counts.byText[key] ?? 0) + 1;
  };
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once("close", () => sockets.delete(socket));
    socket.on("error", () => {});
  };
  const server = net.createServer((client) => {
    if (isCut) {
      client.on("error", () => {});
      client.destroy();
      return;
    }
    forwarded += 1;
    const upstream = net.connect(target.port, target.host);
    track(client);
    track(upstream);
    if (options.countPostgres) {
      const parser = new FrontendParser(count);
      client.on("data", (chunk: Buffer) => parser.push(chunk));
    }
    client.pipe(upstream);
    upstream.pipe(client);
    client.once("close", () => upstream.destroy());
    upstream.once("close", () => client.destroy());
  });
  server.maxConnections = 10_000;
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    get forwarded() {
      return forwarded;
    },
    cut() {
      isCut = true;
      for (const socket of sockets) socket.destroy();
    },
    restore() {
      isCut = false;
    },
    statements: () => ({ ...counts, byText: { ...counts.byText } }),
    resetStatements() {
      counts = { total: 0, transactionControl: 0, byText: {} };
    },
    close() {
      isCut = true;
      for (const socket of sockets) socket.destroy();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
