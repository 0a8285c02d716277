import { sharedAccounts, toConsentedAccount } from "./accounts.js";
import { isoSeconds } from "./clock.js";
import type { SimulatorContext } from "./context.js";
import { institutionOf } from "./items.js";
import type { SimConsentEvent, SimItem } from "./types.js";

type Initiator = SimConsentEvent["initiator"];
type EventType = SimConsentEvent["event_type"];
type EventCode = SimConsentEvent["event_code"];

interface EventContent {
  consented_use_cases?: string[];
  consented_data_scopes?: string[];
  consented_accounts?: SimConsentEvent["consented_accounts"];
}

function record(ctx: SimulatorContext, item: SimItem, type: EventType, code: EventCode, initiator: Initiator, content: EventContent = {}): void {
  const institution = institutionOf(item);
  ctx.state.addConsentEvent({
    item_id: item.item_id,
    created_at_ms: ctx.clock.nowMs(),
    event_type: type,
    event_code: code,
    institution_id: institution.institution_id,
    institution_name: institution.name,
    initiator,
    consented_use_cases: content.consented_use_cases ?? [],
    consented_data_scopes: content.consented_data_scopes ?? [],
    consented_accounts: content.consented_accounts ?? [],
  });
}

const accountsOf = (item: SimItem) => sharedAccounts(item).map(toConsentedAccount);

/** What a Link session that creates an Item records: the user agreement, use cases, data scopes, then accounts. */
export function recordLinkConsent(ctx: SimulatorContext, item: SimItem): void {
  record(ctx, item, "CONSENT_GRANTED", "USER_AGREEMENT", "END_USER");
  record(ctx, item, "CONSENT_GRANTED", "USE_CASES", "END_USER", { consented_use_cases: [...item.consented_use_cases] });
  record(ctx, item, "CONSENT_GRANTED", "DATA_SCOPES", "END_USER", { consented_data_scopes: [...item.consented_data_scopes] });
  record(ctx, item, "CONSENT_GRANTED", "ACCOUNT_SCOPES", "END_USER", { consented_accounts: accountsOf(item) });
}

export interface ConsentSnapshot {
  useCases: string[];
  dataScopes: string[];
  accountIds: string[];
}

export const consentSnapshot = (item: SimItem): ConsentSnapshot => ({
  useCases: [...item.consented_use_cases],
  dataScopes: [...item.consented_data_scopes],
  accountIds: [...item.shared_account_ids],
});

const sameSet = (a: string[], b: string[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/**
 * What an update-mode session records: CONSENT_UPDATED for each consent that changed, and a renewed user
 * agreement when the user re-authorised an Item whose consent expires.
 */
export function recordUpdateConsent(ctx: SimulatorContext, item: SimItem, before: ConsentSnapshot, consentRenewed: boolean): void {
  if (consentRenewed) record(ctx, item, "CONSENT_UPDATED", "USER_AGREEMENT", "END_USER");
  if (!sameSet(before.useCases, item.consented_use_cases)) {
    record(ctx, item, "CONSENT_UPDATED", "USE_CASES", "END_USER", { consented_use_cases: [...item.consented_use_cases] });
  }
  if (!sameSet(before.dataScopes, item.consented_data_scopes)) {
    record(ctx, item, "CONSENT_UPDATED", "DATA_SCOPES", "END_USER", { consented_data_scopes: [...item.consented_data_scopes] });
  }
  if (!sameSet(before.accountIds, item.shared_account_ids)) {
    record(ctx, item, "CONSENT_UPDATED", "ACCOUNT_SCOPES", "END_USER", { consented_accounts: accountsOf(item) });
  }
}

/** An account revoked at the bank: the account scope shrinks, initiated by the data provider. */
export function recordAccountRevoked(ctx: SimulatorContext, item: SimItem): void {
  record(ctx, item, "CONSENT_UPDATED", "ACCOUNT_SCOPES", "DATA_PROVIDER", { consented_accounts: accountsOf(item) });
}

/** Consent withdrawn: by the end user (permission revoked) or by the app (Item removed). */
export function recordRevocation(ctx: SimulatorContext, item: SimItem, initiator: Initiator): void {
  record(ctx, item, "CONSENT_REVOKED", "REVOCATION", initiator);
}

/** The Item's consent log in chronological order, in the `ConsentEvent` shape. */
export function consentEventsOf(ctx: SimulatorContext, itemId: string, opts: { hideYoungerThanMs: number }) {
  const cutoff = ctx.clock.nowMs() - opts.hideYoungerThanMs;
  return ctx.state.consentEvents
    .filter((e) => e.item_id === itemId && (opts.hideYoungerThanMs <= 0 || e.created_at_ms <= cutoff))
    .sort((a, b) => a.created_at_ms - b.created_at_ms || a.seq - b.seq)
    .map((e) => ({
      item_id: e.item_id,
      event_type: e.event_type,
      event_code: e.event_code,
      institution_id: e.institution_id,
      institution_name: e.institution_name,
      initiator: e.initiator,
      created_at: isoSeconds(e.created_at_ms),
      consented_use_cases: [...e.consented_use_cases],
      consented_data_scopes: [...e.consented_data_scopes],
      consented_accounts: e.consented_accounts.map((a) => ({ ...a })),
    }));
}
