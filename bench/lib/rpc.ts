import path from "node:path";
import { spawnProc, type Proc } from "./proc.js";

interface Request {
  id: number;
  method: string;
  params: unknown;
}

interface Reply {
  id: number;
  result?: unknown;
  error?: string;
}

export type Handlers = Record<string, (params: never) => unknown>;

/** Agent side: answers the orchestrator's calls over the IPC channel, and exits when the orchestrator goes away. */
export function serveRpc(handlers: Handlers): void {
  process.on("disconnect", () => process.exit(0));
  process.on("message", (message: Request) => {
    const handler = handlers[message.method] as ((params: unknown) => unknown) | undefined;
    Promise.resolve()
      .then(() => {
        if (!handler) throw new Error(`unknown method ${message.method}`);
        return handler(message.params);
      })
      .then(
        (result) => process.send?.({ id: message.id, result } satisfies Reply),
        (error: unknown) => process.send?.({ id: message.id, error: error instanceof Error ? (error.stack ?? error.message) : String(error) } satisfies Reply),
      );
  });
  process.send?.({ id: 0, result: "ready" } satisfies Reply);
}

/** Orchestrator side: a process of the bench's own (load generator, clients, simulator) answering calls. */
export class Agent {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private readonly ready: Promise<void>;

  constructor(readonly proc: Proc) {
    let markReady: () => void = () => {};
    this.ready = new Promise<void>((resolve) => (markReady = resolve));
    proc.child.on("message", (reply: Reply) => {
      if (reply.id === 0) return markReady();
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (reply.error !== undefined) waiting.reject(new Error(`${proc.name}: ${reply.error}`));
      else waiting.resolve(reply.result);
    });
    void proc.exited.then((code) => {
      for (const waiting of this.pending.values()) waiting.reject(new Error(`${proc.name} exited (${code}):\n${proc.tail().slice(-2000)}`));
      this.pending.clear();
    });
  }

  async started(timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${this.proc.name} did not start within ${timeoutMs} ms:\n${this.proc.tail()}`)), timeoutMs);
    });
    const exited = this.proc.exited.then((code) => {
      throw new Error(`${this.proc.name} exited (${code}) while starting:\n${this.proc.tail()}`);
    });
    try {
      await Promise.race([this.ready, timeout, exited]);
    } finally {
      clearTimeout(timer);
    }
  }

  call<T>(method: string, params: unknown = {}, timeoutMs = 600_000): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${this.proc.name}.${method} did not answer within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.proc.child.send({ id, method, params } satisfies Request);
    });
  }
}

export const benchRoot = path.resolve(import.meta.dirname, "..");
export const repoRoot = path.resolve(benchRoot, "..");

/** Starts one of bench/agents or bench/peers as a TypeScript process with an IPC channel. */
export async function startAgent(script: string, options: { name: string; core: 0 | 1; logDir: string; env?: NodeJS.ProcessEnv }): Promise<Agent> {
  const proc = spawnProc({
    name: options.name,
    core: options.core,
    command: process.execPath,
    args: ["--import", "tsx", path.join(benchRoot, script)],
    env: { ...process.env, ...options.env },
    cwd: repoRoot,
    logDir: options.logDir,
    ipc: true,
  });
  const agent = new Agent(proc);
  await agent.started();
  return agent;
}
