import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { Store } from "../datasources/store/store.js";
import type { UserRecord } from "../domain/user.js";

/** Users: created on first use from the token's subject, and as Plaid users when they first link. */
export class UsersService {
  constructor(
    private readonly store: Store,
    private readonly plaid: PlaidDataSource,
  ) {}

  ensure(clientUserId: string): Promise<UserRecord> {
    return this.store.users.ensure(clientUserId);
  }

  findByClientUserId(clientUserId: string): Promise<UserRecord | null> {
    return this.store.users.findByClientUserId(clientUserId);
  }

  /** Users by the gateway's id, in the order asked (null where there is none). */
  async findMany(ids: readonly string[]): Promise<Array<UserRecord | null>> {
    const rows = await this.store.users.findByIds(ids);
    const byId = new Map(rows.map((row) => [row.id, row]));
    return ids.map((id) => byId.get(id) ?? null);
  }

  /** The user's Plaid user id (usr_…), created with /user/create the first time it is needed. */
  async ensurePlaidUser(user: UserRecord): Promise<string> {
    if (user.plaidUserId) return user.plaidUserId;
    const plaidUserId = await this.plaid.createUser(user.clientUserId);
    const updated = await this.store.users.setPlaidUserId(user.id, plaidUserId);
    return updated.plaidUserId ?? plaidUserId;
  }
}
