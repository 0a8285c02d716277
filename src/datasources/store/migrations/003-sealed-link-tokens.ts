/**
 * Link tokens kept sealed (AES-256-GCM, like access tokens), so the gateway can ask Plaid which Link
 * sessions a token of the user's produced. The hash stays the key for lookups; rows written before
 * have no sealed token and are never asked about (they expire within hours).
 */
export const sql = `
ALTER TABLE link_sessions ADD COLUMN link_token_ciphertext text;
ALTER TABLE link_sessions ADD COLUMN link_token_key_id text;
ALTER TABLE link_sessions ADD CONSTRAINT link_sessions_token_present CHECK ((link_token_ciphertext IS NULL) = (link_token_key_id IS NULL));
`;
