/**
 * Access token rotations under way: a row is claimed before Plaid's /item/access_token/invalidate is
 * called and deleted in the transaction that stores the new token, so two rotations of one Item never
 * run at once. A row left behind by a rotation that did not finish is claimed again once it is old.
 */
export const sql = `
CREATE TABLE access_token_rotations (
  item_id text PRIMARY KEY REFERENCES items(item_id),
  started_at timestamptz NOT NULL
);
`;
