/** The accounts an Item shared when last looked at, so an update-mode session can tell whether they changed. */
export const sql = `
ALTER TABLE items ADD COLUMN account_ids text[] NOT NULL DEFAULT '{}';
`;
