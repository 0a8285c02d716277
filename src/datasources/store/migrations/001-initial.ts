/** Users, Items with their encrypted access tokens, the append-only Item event log, webhook receipts. */
export const sql = `
CREATE TABLE users (
  id text PRIMARY KEY,
  client_user_id text NOT NULL UNIQUE,
  plaid_user_id text UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE items (
  item_id text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  -- AES-256-GCM ciphertext of the access token (AAD = item_id); null once the Item is removed.
  access_token_ciphertext text,
  access_token_key_id text,
  institution_id text,
  institution_name text,
  status text NOT NULL,
  error jsonb,
  new_accounts_available boolean NOT NULL DEFAULT false,
  consent_expires_at timestamptz,
  disconnect_at timestamptz,
  disconnect_reason text,
  revoked_account_ids text[] NOT NULL DEFAULT '{}',
  products text[] NOT NULL DEFAULT '{}',
  billed_products text[] NOT NULL DEFAULT '{}',
  available_products text[] NOT NULL DEFAULT '{}',
  consented_products text[] NOT NULL DEFAULT '{}',
  consented_use_cases text[] NOT NULL DEFAULT '{}',
  consented_data_scopes text[] NOT NULL DEFAULT '{}',
  update_type text NOT NULL DEFAULT 'BACKGROUND',
  webhook_url text,
  country_codes text[] NOT NULL DEFAULT '{US}',
  plaid_created_at timestamptz,
  synced_at timestamptz NOT NULL,
  status_changed_at timestamptz NOT NULL,
  linked_at timestamptz NOT NULL DEFAULT now(),
  removed_at timestamptz,
  CONSTRAINT items_token_present CHECK ((access_token_ciphertext IS NULL) = (access_token_key_id IS NULL))
);
CREATE INDEX items_user_idx ON items (user_id);
CREATE INDEX items_status_changed_idx ON items (status_changed_at DESC, item_id DESC);

CREATE TABLE item_events (
  sequence bigserial PRIMARY KEY,
  item_id text NOT NULL REFERENCES items(item_id),
  user_id text NOT NULL REFERENCES users(id),
  previous_status text,
  status text NOT NULL,
  cause text NOT NULL,
  error jsonb,
  occurred_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX item_events_item_idx ON item_events (item_id, sequence DESC);
CREATE INDEX item_events_user_idx ON item_events (user_id, sequence);

CREATE FUNCTION item_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'item_events is append-only';
END
$$;
CREATE TRIGGER item_events_no_change BEFORE UPDATE OR DELETE ON item_events
  FOR EACH ROW EXECUTE FUNCTION item_events_append_only();

CREATE TABLE webhook_receipts (
  body_sha256 text PRIMARY KEY,
  item_id text,
  webhook_type text,
  webhook_code text,
  outcome text NOT NULL,
  received_at timestamptz NOT NULL DEFAULT now()
);

-- Link tokens the gateway created (hashed), so a later exchange knows the session's user and countries.
CREATE TABLE link_sessions (
  link_token_sha256 text PRIMARY KEY,
  user_id text NOT NULL REFERENCES users(id),
  item_id text REFERENCES items(item_id),
  country_codes text[] NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  expires_at timestamptz NOT NULL
);
CREATE INDEX link_sessions_user_idx ON link_sessions (user_id, created_at DESC);
`;
