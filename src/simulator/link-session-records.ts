import { randomUUID } from "node:crypto";
import { isoSeconds } from "./clock.js";
import type { SimulatorContext } from "./context.js";
import { newRequestId } from "./ids.js";
import type { SimItemAddResult, SimLinkAccount, SimLinkEvent, SimLinkSession, SimLinkToken } from "./types.js";

/** Plaid serves a Link session's data for up to six hours after the session ended. */
const SESSION_DATA_LIFETIME_MS = 6 * 60 * 60 * 1000;

/** The events Link emits on the way to onSuccess (new Items pick their institution first). */
function sessionEvents(now: number, record: SimLinkToken, itemAdd: SimItemAddResult | null): SimLinkEvent[] {
  const institution = itemAdd?.institution ?? null;
  const names = ["OPEN", ...(institution && record.mode === "new_item" ? ["SELECT_INSTITUTION"] : []), ...(institution ? ["SUBMIT_CREDENTIALS"] : []), "HANDOFF"];
  return names.map((event_name) => ({
    event_id: randomUUID(),
    event_name,
    timestamp_ms: now,
    request_id: newRequestId(),
    institution: event_name === "OPEN" ? null : institution,
  }));
}

/** Records an end user finishing Link with this link_token, for /link/token/get to report. */
export function recordLinkSession(ctx: SimulatorContext, record: SimLinkToken, itemAdd: SimItemAddResult | null): void {
  const now = ctx.clock.nowMs();
  const session: SimLinkSession = {
    link_session_id: randomUUID(),
    started_at_ms: now,
    finished_at_ms: now,
    events: sessionEvents(now, record, itemAdd),
    item_add: itemAdd ? structuredClone(itemAdd) : null,
  };
  (record.link_sessions ??= []).push(session);
}

const metadataAccount = (account: SimLinkAccount) => ({
  id: account.id,
  name: account.name,
  mask: account.mask,
  type: account.type,
  ...(account.subtype !== null ? { subtype: account.subtype } : {}),
  verification_status: null,
  class_type: null,
});

const eventBody = (event: SimLinkEvent) => ({
  event_id: event.event_id,
  event_name: event.event_name,
  timestamp: isoSeconds(event.timestamp_ms),
  event_metadata: {
    ...(event.institution ? { institution_id: event.institution.institution_id, institution_name: event.institution.name } : {}),
    request_id: event.request_id,
  },
});

/** One session as /link/token/get answers it: `results.item_add_results` and, for older integrations, `on_success`. */
function sessionBody(session: SimLinkSession): Record<string, unknown> {
  const add = session.item_add;
  const accounts = add ? add.accounts.map(metadataAccount) : [];
  return {
    link_session_id: session.link_session_id,
    started_at: new Date(session.started_at_ms).toISOString(),
    finished_at: new Date(session.finished_at_ms).toISOString(),
    events: session.events.map(eventBody),
    on_success: add
      ? { public_token: add.public_token, metadata: { institution: add.institution, accounts, link_session_id: session.link_session_id, transfer_status: null } }
      : null,
    results: {
      item_add_results: add ? [{ public_token: add.public_token, accounts, institution: add.institution }] : [],
      cra_item_add_results: [],
      cra_update_results: [],
      bank_income_results: [],
      payroll_income_results: [],
      document_income_results: null,
    },
  };
}

/** The link_token's sessions that ended less than six hours ago, oldest first. */
export function linkSessionsOf(ctx: SimulatorContext, record: SimLinkToken): Array<Record<string, unknown>> {
  const now = ctx.clock.nowMs();
  return (record.link_sessions ?? []).filter((session) => now < session.finished_at_ms + SESSION_DATA_LIFETIME_MS).map(sessionBody);
}
