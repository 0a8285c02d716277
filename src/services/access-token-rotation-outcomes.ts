import path from "node:path";
import { GatewayError, PlaidApiError, type ErrorCode } from "../domain/errors.js";
import type { ItemSnapshot } from "../domain/item.js";

/**
 * What rotating one Item's access token came to:
 * - `rotated`: Plaid issued a new token and the store holds it;
 * - `finished`: a token kept by an earlier rotation (the store was down) is now stored;
 * - `not-rotated`: nothing changed at Plaid, the stored token still works: try again;
 * - `unconfirmed`: Plaid did not say whether it rotated the token: run again to find out;
 * - `kept`: Plaid issued a new token, the store could not save it, it is kept sealed on disk: run again;
 * - `lost`: Plaid refuses the stored token and the new one is nowhere: the Item must be linked again;
 * - `in-progress`: another rotation of the Item has not finished;
 * - `refused`: the Item cannot be rotated (unknown, removed, or its kept token is unusable).
 */
export type RotationKind = "rotated" | "finished" | "not-rotated" | "unconfirmed" | "kept" | "lost" | "in-progress" | "refused";

export interface RotationOutcome {
  itemId: string;
  kind: RotationKind;
  /** What happened, in one or two sentences; never a token. */
  message: string;
  /** What to do next, when anything is left to do. */
  recovery: string | null;
  /** The Item as it now is (rotated and finished). */
  item: ItemSnapshot | null;
  /** Where the new token is kept (kept). */
  keptFile: string | null;
  /** The error behind an outcome that needs attention. */
  error: GatewayError | null;
}

/** Whether the outcome leaves something for an operator to do. */
export const needsAttention = (outcome: RotationOutcome): boolean => outcome.kind !== "rotated" && outcome.kind !== "finished";

const base = (itemId: string, kind: RotationKind, message: string, recovery: string | null): RotationOutcome => ({
  itemId,
  kind,
  message,
  recovery,
  item: null,
  keptFile: null,
  error: null,
});

/** An error of the gateway's own making, or the one a failure maps to (a decryption failure has no code of its own). */
export function gatewayErrorOf(error: unknown): GatewayError {
  if (error instanceof GatewayError) return error;
  const failure = new GatewayError("INTERNAL_SERVER_ERROR", (error as Error)?.message ?? String(error));
  failure.cause = error;
  return failure;
}

/** What a failure says, without Plaid's own text for Plaid errors (their code identifies them). */
function reasonOf(error: GatewayError): string {
  if (error instanceof PlaidApiError) return `Plaid answered ${error.plaid.errorCode}${error.plaid.requestId ? ` (request ${error.plaid.requestId})` : ""}`;
  return error.message;
}

const runAgain = (itemId: string) => `call rotateAccessToken for this Item again, or run \`npm run rotate-access-tokens -- ${itemId}\` with this gateway's settings and DATA_DIR`;

export const rotated = (itemId: string, item: ItemSnapshot, plaidRequestId: string): RotationOutcome => ({
  ...base(itemId, "rotated", `The access token was rotated at Plaid (request ${plaidRequestId}) and the new one is stored; the old one no longer works.`, null),
  item,
});

export const finished = (itemId: string, item: ItemSnapshot, plaidRequestId: string): RotationOutcome => ({
  ...base(
    itemId,
    "finished",
    `The access token Plaid issued in an earlier rotation (request ${plaidRequestId}), kept while the store was unavailable, is now stored; Plaid was not asked for another.`,
    null,
  ),
  item,
});

export const notRotated = (itemId: string, error: GatewayError, why: string): RotationOutcome => ({
  ...base(
    itemId,
    "not-rotated",
    `The access token was not rotated: ${reasonOf(error)}. ${why}`,
    `Nothing changed; the stored access token still works: ${runAgain(itemId)} later.`,
  ),
  error,
});

export const unconfirmed = (itemId: string, error: GatewayError): RotationOutcome => ({
  ...base(
    itemId,
    "unconfirmed",
    `Plaid did not answer whether it rotated the access token (${reasonOf(error)}), and could not be asked afterwards.`,
    `Once Plaid answers, ${runAgain(itemId)}: that rotates the token if Plaid did not, and reports a lost token if Plaid did.`,
  ),
  error,
});

export const kept = (itemId: string, file: string, error: GatewayError): RotationOutcome => ({
  ...base(
    itemId,
    "kept",
    `Plaid issued a new access token and no longer accepts the old one, but the store could not save it (${reasonOf(error)}). The new token is kept sealed in DATA_DIR's ${path.join(path.basename(path.dirname(file)), path.basename(file))}; until it is stored, Plaid calls for this Item fail.`,
    `Once the store is reachable: ${runAgain(itemId)}. That stores the kept token without asking Plaid for another. Do not delete the file, and do not drop encryption keys with rotate-key before then.`,
  ),
  keptFile: file,
  error,
});

export const lost = (itemId: string, error: GatewayError, detail: string): RotationOutcome => ({
  ...base(
    itemId,
    "lost",
    `Plaid no longer accepts this Item's stored access token (${reasonOf(error)}): ${detail}`,
    "If a rotateAccessToken call or a rotate-access-tokens run reported keeping the new token for this Item in another DATA_DIR, run the command there to store it. Otherwise the Item cannot be reached any more: remove it and link the institution again.",
  ),
  error,
});

export const inProgress = (itemId: string, startedAt: Date, retryAt: Date): RotationOutcome =>
  base(
    itemId,
    "in-progress",
    `Another rotation of this Item's access token started at ${startedAt.toISOString()} and has not finished.`,
    `Try again in a moment; if that rotation was interrupted, its claim lapses at ${retryAt.toISOString()}.`,
  );

export const refused = (itemId: string, error: GatewayError, recovery: string | null = null): RotationOutcome => ({
  ...base(itemId, "refused", error.message, recovery),
  error,
});

/** The code a GraphQL client gets for an outcome that needs attention. */
const CODES: Record<Exclude<RotationKind, "rotated" | "finished">, ErrorCode | null> = {
  "not-rotated": null,
  unconfirmed: "UPSTREAM_UNAVAILABLE",
  kept: "STORE_UNAVAILABLE",
  lost: null,
  "in-progress": "BAD_USER_INPUT",
  refused: null,
};

/** The Item of a rotation that succeeded; otherwise the error a GraphQL client gets, with what to do next. */
export function itemOrError(outcome: RotationOutcome): ItemSnapshot {
  if (outcome.item && !needsAttention(outcome)) return outcome.item;
  const kind = outcome.kind as keyof typeof CODES;
  const code = CODES[kind] ?? outcome.error?.code ?? "INTERNAL_SERVER_ERROR";
  const text = outcome.recovery ? `${outcome.message} ${outcome.recovery}` : outcome.message;
  const extensions = { ...(outcome.error?.extensions ?? {}), itemId: outcome.itemId, rotation: kind.toUpperCase().replace("-", "_") };
  const failure = new GatewayError(code, text, extensions);
  if (outcome.error) failure.cause = outcome.error;
  throw failure;
}
