import type { BenchContext } from "../lib/context.js";
import type { Row } from "../lib/results.js";
import { startAgent, type Agent } from "../lib/rpc.js";

export interface ScenarioOutput {
  rows: Row[];
  runs: unknown[];
  /** Further result files this scenario produced (another row group of the report), by scenario id. */
  extra?: Array<{ scenario: string; title: string; rows: Row[]; runs: unknown[] }>;
}

export interface Scenario {
  id: string;
  title: string;
  /** required: skipped without it; optional: runs, and leaves out the rows that need it. */
  postgres: "required" | "optional" | "unused";
  redis: boolean;
  run(ctx: BenchContext): Promise<ScenarioOutput>;
}

/** What a scenario started, undone in reverse order whatever happens. */
export class Cleanup {
  private readonly steps: Array<() => Promise<unknown> | unknown> = [];

  add<T>(value: T, undo: (value: T) => Promise<unknown> | unknown): T {
    this.steps.push(() => undo(value));
    return value;
  }

  /** Runs fn with a cleanup of its own, undone whatever fn's outcome. */
  static async around<T>(fn: (cleanup: Cleanup) => Promise<T>): Promise<T> {
    const cleanup = new Cleanup();
    try {
      return await fn(cleanup);
    } finally {
      await cleanup.run();
    }
  }

  async run(): Promise<void> {
    for (const step of this.steps.splice(0).reverse()) {
      try {
        await step();
      } catch (error) {
        process.stderr.write(`[bench] cleanup step failed: ${(error as Error).message}\n`);
      }
    }
  }
}

/** A peer server of the bench's own (bench/peers), pinned to core 0 like the gateway. */
export async function startPeer(ctx: BenchContext, cleanup: Cleanup, script: string, name: string, env: NodeJS.ProcessEnv = {}): Promise<{ agent: Agent; origin: string }> {
  const agent = cleanup.add(await startAgent(script, { name, core: 0, logDir: ctx.logDir, env: { NODE_ENV: "production", ...env } }), (a) => a.proc.stop());
  const { origin } = await agent.call<{ origin: string }>("info");
  return { agent, origin };
}

/** A subscribers process (bench/agents/subscribers.ts) on core 1. */
export async function startSubscribers(ctx: BenchContext, cleanup: Cleanup, name: string): Promise<Agent> {
  return cleanup.add(await startAgent("agents/subscribers.ts", { name, core: 1, logDir: ctx.logDir }), (a) => a.proc.stop());
}
