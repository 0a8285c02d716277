import { newAccountId } from "./ids.js";
import type { SimAccount, SimItem } from "./types.js";

/** The accounts every Sandbox test user ("user_good") holds, as Plaid's Sandbox returns them. */
const SANDBOX_ACCOUNTS: ReadonlyArray<Omit<SimAccount, "account_id" | "balances"> & { available: number | null; current: number; limit: number | null }> = [
  {
    name: "Plaid Checking",
    official_name: "Plaid Gold Standard 0% Interest Checking",
    mask: "0000",
    type: "depository",
    subtype: "checking",
    available: 100,
    current: 110,
    limit: null,
  },
  {
    name: "Plaid Saving",
    official_name: "Plaid Silver Standard 0.1% Interest Saving",
    mask: "1111",
    type: "depository",
    subtype: "savings",
    available: 200,
    current: 210,
    limit: null,
  },
  { name: "Plaid CD", official_name: "Plaid Bronze Standard 0.2% Interest CD", mask: "2222", type: "depository", subtype: "cd", available: null, current: 1000, limit: null },
  {
    name: "Plaid Credit Card",
    official_name: "Plaid Diamond 12.5% APR Interest Credit Card",
    mask: "3333",
    type: "credit",
    subtype: "credit card",
    available: null,
    current: 410,
    limit: 2000,
  },
  {
    name: "Plaid Money Market",
    official_name: "Plaid Platinum Standard 1.85% Interest Money Market",
    mask: "4444",
    type: "depository",
    subtype: "money market",
    available: 43200,
    current: 43200,
    limit: null,
  },
  { name: "Plaid IRA", official_name: null, mask: "5555", type: "investment", subtype: "ira", available: null, current: 320.76, limit: null },
  { name: "Plaid 401k", official_name: null, mask: "6666", type: "investment", subtype: "401k", available: null, current: 23631.9805, limit: null },
  { name: "Plaid Student Loan", official_name: null, mask: "7777", type: "loan", subtype: "student", available: null, current: 65262, limit: null },
  { name: "Plaid Mortgage", official_name: null, mask: "8888", type: "loan", subtype: "mortgage", available: null, current: 56302.06, limit: null },
];

/** UK/EU OAuth banks expose the everyday accounts only. */
const GB_MASKS = new Set(["0000", "1111", "3333"]);

/** Accounts the user can open later, surfaced through NEW_ACCOUNTS_AVAILABLE. */
const LATER_ACCOUNTS = [
  { name: "Plaid HSA", official_name: "Plaid Cares Health Savings Account", type: "depository", subtype: "hsa", available: 6009, current: 6009 },
  { name: "Plaid Cash Management", official_name: "Plaid Growth Cash Management", type: "depository", subtype: "cash management", available: 12060, current: 12060 },
  { name: "Plaid Business Checking", official_name: "Plaid Business Advantage Checking", type: "depository", subtype: "checking", available: 5020, current: 5020 },
];

function withBalances(
  t: { name: string; official_name: string | null; mask: string; type: string; subtype: string | null; available: number | null; current: number; limit: number | null },
  currency: string,
): SimAccount {
  return {
    account_id: newAccountId(),
    name: t.name,
    official_name: t.official_name,
    mask: t.mask,
    type: t.type,
    subtype: t.subtype,
    balances: { available: t.available, current: t.current, limit: t.limit, iso_currency_code: currency, unofficial_currency_code: null },
  };
}

/** A fresh set of bank accounts (new account_ids) for one Item. */
export function createBankAccounts(currency: string): SimAccount[] {
  const templates = currency === "USD" ? SANDBOX_ACCOUNTS : SANDBOX_ACCOUNTS.filter((a) => GB_MASKS.has(a.mask));
  return templates.map((t) => withBalances(t, currency));
}

/** Opens a new account at the bank for this Item's user; it is not shared until the user selects it in Link. */
export function openNewBankAccount(item: SimItem, currency: string): SimAccount {
  const index = item.bank_accounts.length;
  const template = LATER_ACCOUNTS[index % LATER_ACCOUNTS.length]!;
  const mask = String(9000 + index).slice(-4);
  return withBalances({ ...template, mask, limit: null }, currency);
}

export type AccountFilters = Record<string, { account_subtypes: string[] }>;

/** Applies Link's account_filters: a type with no filter is hidden, "all" allows every subtype of a type. */
export function passesFilters(account: SimAccount, filters: AccountFilters | null): boolean {
  if (!filters) return true;
  const filter = filters[account.type];
  if (!filter) return false;
  const subtypes = filter.account_subtypes ?? [];
  return subtypes.includes("all") || (account.subtype !== null && subtypes.includes(account.subtype));
}

export function sharedAccounts(item: SimItem): SimAccount[] {
  return item.bank_accounts.filter((a) => item.shared_account_ids.includes(a.account_id));
}

/** The `AccountBase` shape of /accounts/get. */
export function toAccountBase(account: SimAccount) {
  return {
    account_id: account.account_id,
    balances: { ...account.balances },
    mask: account.mask,
    name: account.name,
    official_name: account.official_name,
    subtype: account.subtype,
    type: account.type,
  };
}

/** The `ConsentedAccount` shape of consent events (official_name is a plain string there). */
export function toConsentedAccount(account: SimAccount) {
  return {
    account_id: account.account_id,
    mask: account.mask,
    name: account.name,
    official_name: account.official_name ?? account.name,
    type: account.type,
    subtype: account.subtype,
  };
}
