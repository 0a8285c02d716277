import type { Agent } from "./rpc.js";
import type { Commit, Machine } from "./machine.js";
import type { Simulator } from "./simulator.js";

/** What every scenario gets from the orchestrator. */
export interface BenchContext {
  full: boolean;
  /** The command line that produced the run (for the report). */
  command: string;
  /** Temporary folder of this run (data directories, logs); removed after a successful run. */
  runDir: string;
  logDir: string;
  /** The built gateway's folder (dist/main.js, schema.graphql): the repository, or the commit built apart with --head. */
  gatewayDir: string;
  /** With --profile: gateways run with --cpu-prof and write their profiles under this folder. */
  profileDir: string | null;
  simulator: Simulator;
  /** The load generator (core 1). */
  load: Agent;
  postgres: boolean;
  redis: boolean;
  /** Shared by every gateway of the run, as several instances of one deployment share them. */
  authSecret: string;
  tokenEncryptionKey: string;
  machine: Machine;
  commit: Commit;
  /** Lines the scenario wants in its result (what was adapted, what could not be measured). */
  notes: string[];
}

/** A scenario's choice between the quick pass and the full one. */
export const pick = <T>(ctx: BenchContext, quick: T, full: T): T => (ctx.full ? full : quick);
