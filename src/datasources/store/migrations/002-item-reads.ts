/**
 * What Plaid last answered for an Item's accounts and consent log, served when Plaid cannot answer
 * (Item in error, rate limit, outage); and the account ids an update-mode session is compared with.
 */
export const sql = `
ALTER TABLE items ADD COLUMN account_ids text[] NOT NULL DEFAULT '{}';

CREATE TABLE item_reads (
  item_id text NOT NULL REFERENCES items(item_id),
  kind text NOT NULL,
  data jsonb NOT NULL,
  fetched_at timestamptz NOT NULL,
  PRIMARY KEY (item_id, kind)
);
`;
