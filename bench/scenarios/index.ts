import { fanout } from "./fanout.js";
import { fanoutRedis } from "./fanout-redis.js";
import { plaidCalls } from "./plaid-calls.js";
import { plaidPath } from "./plaid-path.js";
import { redisReconnect } from "./redis-reconnect.js";
import type { Scenario } from "./scenario.js";
import { snapshot } from "./snapshot.js";
import { connectStorm } from "./connect-storm.js";
import { webhooks } from "./webhooks.js";

/** In the order they run (and appear in the report). */
export const SCENARIOS: Scenario[] = [snapshot, plaidPath, plaidCalls, fanout, fanoutRedis, connectStorm, redisReconnect, webhooks];
