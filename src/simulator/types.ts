/** The simulator's stored records. Everything here is plain JSON so it can be persisted to `stateFile`. */

export interface SimBalances {
  available: number | null;
  current: number | null;
  limit: number | null;
  iso_currency_code: string | null;
  unofficial_currency_code: string | null;
}

export interface SimAccount {
  account_id: string;
  name: string;
  official_name: string | null;
  mask: string;
  type: string;
  subtype: string | null;
  balances: SimBalances;
}

/** An Item-level error code and its OAuth reason, kept from the moment the Item broke. */
export interface SimItemError {
  code: string;
  reason: string | null;
  since_ms: number;
}

export interface SimItem {
  item_id: string;
  access_token: string;
  institution_id: string;
  user_id: string | null;
  webhook: string | null;
  products: string[];
  billed_products: string[];
  consented_products: string[];
  consented_use_cases: string[];
  consented_data_scopes: string[];
  /** Every account the user holds at the bank; `shared_account_ids` are the ones shared with the app. */
  bank_accounts: SimAccount[];
  shared_account_ids: string[];
  error: SimItemError | null;
  created_at_ms: number;
  /** Sandbox Items fall into ITEM_LOGIN_REQUIRED 30 days after their last successful login. */
  login_valid_until_ms: number;
  consent_expiration_ms: number | null;
  pending_expiration_sent_for_ms: number | null;
  pending_disconnect: { reason: string; disconnect_ms: number } | null;
  removed_at_ms: number | null;
  last_webhook: { sent_at_ms: number; code_sent: string } | null;
}

export interface SimUser {
  user_id: string;
  user_token: string;
  client_user_id: string;
  created_at_ms: number;
}

export interface SimPublicToken {
  public_token: string;
  item_id: string;
  created_at_ms: number;
  expires_at_ms: number;
}

export type LinkTokenMode = "new_item" | "update_item" | "update_user" | "transfer";

export interface SimLinkToken {
  link_token: string;
  mode: LinkTokenMode;
  created_at_ms: number;
  expires_at_ms: number;
  user_id: string | null;
  item_id: string | null;
  update_item_ids: string[] | null;
  products: string[];
  required_if_supported_products: string[];
  optional_products: string[];
  additional_consented_products: string[];
  country_codes: string[];
  webhook: string | null;
  account_filters: Record<string, { account_subtypes: string[] }> | null;
  account_selection_enabled: boolean;
  institution_id: string | null;
  transfer_authorization_id: string | null;
  /** As given to /link/token/create (absent in state files written before /link/token/get was served). */
  language?: string | null;
  client_name?: string | null;
  redirect_uri?: string | null;
  /** The Link sessions opened with this link_token, oldest first. */
  link_sessions?: SimLinkSession[];
}

/** An account as Link's onSuccess metadata lists it. */
export interface SimLinkAccount {
  id: string;
  name: string;
  mask: string;
  type: string;
  subtype: string | null;
}

/** What Link handed over when the user finished: the public_token, the institution and the accounts shared. */
export interface SimItemAddResult {
  public_token: string;
  institution: { institution_id: string; name: string };
  accounts: SimLinkAccount[];
}

export interface SimLinkEvent {
  event_id: string;
  event_name: string;
  timestamp_ms: number;
  request_id: string;
  institution: { institution_id: string; name: string } | null;
}

/** One end user's pass through Link with a link_token, as /link/token/get reports it. */
export interface SimLinkSession {
  link_session_id: string;
  started_at_ms: number;
  finished_at_ms: number;
  events: SimLinkEvent[];
  /** Null when the session added or updated no Item (a transfer authorization). */
  item_add: SimItemAddResult | null;
}

export interface SimConsentEvent {
  seq: number;
  item_id: string;
  created_at_ms: number;
  event_type: "CONSENT_GRANTED" | "CONSENT_REVOKED" | "CONSENT_UPDATED";
  event_code: "USER_AGREEMENT" | "USE_CASES" | "DATA_SCOPES" | "ACCOUNT_SCOPES" | "REVOCATION";
  institution_id: string | null;
  institution_name: string | null;
  initiator: "PLAID" | "DATA_PROVIDER" | "CUSTOMER" | "END_USER";
  consented_use_cases: string[];
  consented_data_scopes: string[];
  consented_accounts: Array<{
    account_id: string;
    mask: string;
    name: string;
    official_name: string;
    type: string;
    subtype: string | null;
  }>;
}

export interface SimSigningKey {
  kid: string;
  /** Private JWK (ES256 / P-256). Never leaves the simulator except into its own state file. */
  private_jwk: Record<string, unknown>;
  public_jwk: { kty: string; crv: string; x: string; y: string };
  created_at: number;
  expired_at: number | null;
}

export interface PersistedState {
  version: 1;
  users: SimUser[];
  items: SimItem[];
  public_tokens: SimPublicToken[];
  link_tokens: SimLinkToken[];
  consent_events: SimConsentEvent[];
  signing_keys: SimSigningKey[];
  current_key_id: string | null;
  next_consent_seq: number;
  /** The client id and secret the simulator accepts (absent in files written before they were kept). */
  credentials?: { client_id: string; secret: string };
}
