/** Who is asking: the token's subject (the application's user id) and whether they are an admin. */
export interface Viewer {
  clientUserId: string;
  isAdmin: boolean;
}

/** The application's user id as Plaid accepts it for client_user_id (1-128 characters), with no control characters. */
export function isClientUserId(text: string): boolean {
  if (text.length < 1 || text.length > 128) return false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x20 || code === 0x7f) return false;
  }
  return true;
}
