/**
 * Plaid bills every Item an exchange creates, and linking the same login twice creates a second Item
 * for the same accounts. Plaid's guidance: compare the new Link session's institution and its
 * accounts' names and masks with the user's Items before exchanging the public token.
 */

/** An account as Link or /accounts/get names it: enough to recognise it across Items. */
export interface ComparableAccount {
  id: string;
  name: string | null;
  mask: string | null;
}

/** What a finished Link session connected (its onSuccess metadata). */
export interface LinkedInstitution {
  institutionId: string | null;
  accounts: readonly ComparableAccount[];
}

/** One of the user's live Items, with what the gateway knows of its accounts. */
export interface ExistingItem {
  itemId: string;
  institutionId: string | null;
  /** The account ids the Item shared when the gateway last looked (Plaid's account ids belong to one Item only). */
  accountIds: readonly string[];
  /** The accounts Plaid last listed for the Item; null when the gateway has never read them. */
  accounts: readonly ComparableAccount[] | null;
}

const normalizedName = (name: string): string => name.trim().replace(/\s+/g, " ").toLowerCase();

/** Mask and name, the pair Plaid suggests comparing; an account without either is never matched. */
function accountKey(account: ComparableAccount): string | null {
  const mask = account.mask?.trim();
  const name = account.name ? normalizedName(account.name) : "";
  return mask && name ? `${mask}\u0000${name}` : null;
}

/**
 * The first of the user's live Items (pass them most recently linked first) that the session would
 * duplicate: the same institution, and at least one account with the same mask and name. A session
 * that shares an account id with one of the Items is that Item's own (update mode, or a public token
 * already exchanged), so it duplicates nothing.
 */
export function findDuplicateItem(session: LinkedInstitution, items: readonly ExistingItem[]): ExistingItem | null {
  if (!session.institutionId) return null;
  const sessionIds = new Set(session.accounts.map((account) => account.id));
  const knownIds = (item: ExistingItem) => [...item.accountIds, ...(item.accounts ?? []).map((account) => account.id)];
  if (items.some((item) => knownIds(item).some((id) => sessionIds.has(id)))) return null;
  const sessionKeys = new Set(session.accounts.map(accountKey).filter((key): key is string => key !== null));
  return (
    items.find(
      (item) =>
        item.institutionId === session.institutionId &&
        (item.accounts ?? []).some((account) => {
          const key = accountKey(account);
          return key !== null && sessionKeys.has(key);
        }),
    ) ?? null
  );
}
