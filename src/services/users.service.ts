import { LRUCache } from "lru-cache";
import type { PlaidDataSource } from "../datasources/plaid/plaid-datasource.js";
import type { Store } from "../datasources/store/store.js";
import type { UserRecord } from "../domain/user.js";

/**
 * Users kept per instance once they have their Plaid user id: a user row never changes after that
 * (until then it is read each time, so a Plaid user another instance created is seen at once).
 */
const MAX_USERS = 50_000;

/** Users: created on first use from the token's subject, and as Plaid users when they first link. */
export class UsersService {
  private readonly byClientUserId = new LRUCache<string, UserRecord>({ max: MAX_USERS });
  private readonly byId = new LRUCache<string, UserRecord>({ max: MAX_USERS });

  constructor(
    private readonly store: Store,
    private readonly plaid: PlaidDataSource,
  ) {}

  /** The user with this subject, created on first use. */
  async ensure(clientUserId: string): Promise<UserRecord> {
    return this.byClientUserId.get(clientUserId) ?? this.keep(await this.store.users.ensure(clientUserId));
  }

  async findByClientUserId(clientUserId: string): Promise<UserRecord | null> {
    const kept = this.byClientUserId.get(clientUserId);
    if (kept) return kept;
    const user = await this.store.users.findByClientUserId(clientUserId);
    return user ? this.keep(user) : null;
  }

  /** Users by the gateway's id, in the order asked (null where there is none). */
  async findMany(ids: readonly string[]): Promise<Array<UserRecord | null>> {
    const found = new Map(ids.flatMap((id) => (this.byId.has(id) ? [[id, this.byId.get(id)!] as const] : [])));
    const missing = ids.filter((id) => !found.has(id));
    if (missing.length > 0) for (const user of await this.store.users.findByIds(missing)) found.set(user.id, this.keep(user));
    return ids.map((id) => found.get(id) ?? null);
  }

  /** The user's Plaid user id (usr_…), created with /user/create the first time it is needed. */
  async ensurePlaidUser(user: UserRecord): Promise<string> {
    if (user.plaidUserId) return user.plaidUserId;
    const plaidUserId = await this.plaid.createUser(user.clientUserId);
    const updated = this.keep(await this.store.users.setPlaidUserId(user.id, plaidUserId));
    return updated.plaidUserId ?? plaidUserId;
  }

  private keep(user: UserRecord): UserRecord {
    if (!user.plaidUserId) return user;
    this.byClientUserId.set(user.clientUserId, user);
    this.byId.set(user.id, user);
    return user;
  }
}
