/**
 * `npm run rotate-access-tokens [-- ITEM_ID…]`: rotates the access tokens of every live Item, or of the
 * Items named, at Plaid, and stores the new ones; says per Item what happened, and exits 1 naming the
 * Items that need attention and how to recover. Running it again finishes what a run left undone.
 */
import { storeOptionsOf, type Config } from "./config.js";
import { createPlaidApi } from "./datasources/plaid/plaid-client.js";
import { PlaidDataSource } from "./datasources/plaid/plaid-datasource.js";
import { openStore } from "./datasources/store/store.js";
import { openTokenCipher } from "./datasources/store/token-keys.js";
import { createLogger } from "./logger.js";
import { needsAttention, type RotationKind, type RotationOutcome } from "./services/access-token-rotation-outcomes.js";
import { createServices } from "./services/create-services.js";
import { isItemId } from "./services/node-ids.js";
import { createInProcessEventBus } from "./subscriptions/item-event-bus.js";
import { createRedisEventBus } from "./subscriptions/redis-item-event-bus.js";

/** Where the command writes: what it did, and (for a run that left work) what is left to do. */
export interface CommandOutput {
  say(line: string): void;
  warn(line: string): void;
}

const LABELS: Record<RotationKind, string> = {
  rotated: "rotated",
  finished: "finished",
  "not-rotated": "NOT ROTATED",
  unconfirmed: "UNCONFIRMED",
  kept: "NEW TOKEN KEPT, NOT STORED",
  lost: "LOST",
  "in-progress": "IN PROGRESS",
  refused: "REFUSED",
};

/** A hostile or mistyped argument, shown shortened and quoted. */
const shown = (text: string): string => JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);

function describe(outcome: RotationOutcome): string[] {
  const lines = [`  ${outcome.itemId}  ${LABELS[outcome.kind]}: ${outcome.message}`];
  if (outcome.keptFile) lines.push(`      kept in ${outcome.keptFile}`);
  if (outcome.recovery) lines.push(`      → ${outcome.recovery}`);
  return lines;
}

/**
 * Runs the command. `plaidUrl` is the simulator to use when Plaid is the built-in one (the command line
 * starts it from DATA_DIR's state); answers the exit code: 0 when every Item is done, 1 otherwise, 2 for
 * an argument that is not an Item id (nothing is done then).
 */
export async function rotateAccessTokens(config: Config, itemIds: readonly string[], plaidUrl: string | null, output: CommandOutput): Promise<number> {
  const malformed = itemIds.filter((id) => !isItemId(id));
  if (malformed.length > 0) {
    output.warn(`Not an Item id: ${malformed.map(shown).join(", ")} (Plaid's item_id: 1 to 128 letters, digits, - or _). Nothing was rotated.`);
    return 2;
  }
  const logger = createLogger({ level: "warn", format: "pretty", destination: { write: (line: string) => output.warn(line.trimEnd()) } });
  if (!config.databaseUrl) output.say(`Store: PGlite in ${config.paths.pgliteDir} (serves one process at a time: stop the gateway using it first).`);
  const store = await openStore(storeOptionsOf(config));
  const events = config.redisUrl
    ? await createRedisEventBus({ redisUrl: config.redisUrl, logger, channelPrefix: config.redisChannelPrefix }).catch(async (error: unknown) => {
        await store.close();
        throw error;
      })
    : createInProcessEventBus({ logger });
  try {
    const basePath = plaidUrl ?? config.plaid.simulatorUrl;
    const plaidApi = createPlaidApi({ env: config.plaid.env, ...config.plaid.credentials, basePath });
    const plaid = new PlaidDataSource(plaidApi, logger, undefined, { timeoutMs: config.plaid.timeoutMs });
    const cipher = openTokenCipher(config);
    const { services } = createServices({ config, store, plaid, cipher, events, simulatorUrl: null, webhookUrl: () => null, logger });
    const ids = itemIds.length > 0 ? [...new Set(itemIds)] : await services.accessTokens.liveItemIds();
    const plaidName = basePath ? `the simulator at ${basePath}` : `Plaid ${config.plaid.env}`;
    output.say(`Rotating the access tokens of ${ids.length === 1 ? "1 Item" : `${ids.length} Items`} at ${plaidName}.`);
    const outcomes = await services.accessTokens.rotateMany(ids, (outcome) => describe(outcome).forEach((line) => output.say(line)));
    return summarize(outcomes, output);
  } finally {
    await events.close();
    await store.close();
  }
}

/** The last lines: how many are done, and which Items need attention with the command that retries them. */
function summarize(outcomes: readonly RotationOutcome[], output: CommandOutput): number {
  const count = (kind: RotationKind) => outcomes.filter((outcome) => outcome.kind === kind).length;
  const attention = outcomes.filter(needsAttention);
  output.say(`Done: ${count("rotated")} rotated, ${count("finished")} finished from kept tokens, ${attention.length} need attention.`);
  if (attention.length === 0) return 0;
  output.warn(`${attention.length === 1 ? "1 Item needs" : `${attention.length} Items need`} attention:`);
  for (const outcome of attention) output.warn(`  ${outcome.itemId}  ${LABELS[outcome.kind]}${outcome.recovery ? `: ${outcome.recovery}` : ""}`);
  const again = attention.filter((outcome) => ["not-rotated", "unconfirmed", "kept", "in-progress"].includes(outcome.kind)).map((outcome) => outcome.itemId);
  if (again.length > 0) output.warn(`To finish, run again: npm run rotate-access-tokens -- ${again.join(" ")}`);
  return 1;
}
