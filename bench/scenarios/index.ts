import { fanout } from "./fanout.js";
import { plaidCalls } from "./plaid-calls.js";
import { plaidPath } from "./plaid-path.js";
import type { Scenario } from "./scenario.js";
import { snapshot } from "./snapshot.js";

/** In the order they run (and appear in the report). */
export const SCENARIOS: Scenario[] = [snapshot, plaidPath, plaidCalls, fanout];
