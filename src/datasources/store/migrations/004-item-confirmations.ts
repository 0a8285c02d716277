/**
 * The reconciliation sweep reads live Items oldest confirmation first (and the oldest confirmation for
 * its lag): an index on synced_at over live Items only, so removed Items cost nothing.
 */
export const sql = `
CREATE INDEX items_live_synced_idx ON items (synced_at, item_id) WHERE status <> 'REMOVED';
`;
