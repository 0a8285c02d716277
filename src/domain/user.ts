/** A user of the application, known by the bearer token's subject. */
export interface UserRecord {
  /** The gateway's own id of the user. */
  id: string;
  /** The application's user id (the token's subject); sent to Plaid as client_user_id. */
  clientUserId: string;
  /** The Plaid user (usr_…), once the user first links an Item. */
  plaidUserId: string | null;
  createdAt: Date;
}
