import { sharedAccounts, toAccountBase } from "../accounts.js";
import { plaidError } from "../errors.js";
import { assertItemHealthy, toPlainItem } from "../items.js";
import { itemOfRequest, type RouteHandler } from "./route.js";

/** /accounts/get: the accounts the user shared (optionally filtered by options.account_ids) and the Item. */
const getAccounts: RouteHandler = (ctx, req) => {
  const item = itemOfRequest(ctx, req);
  assertItemHealthy(item);
  let accounts = sharedAccounts(item);
  const wanted = (req.body.options as { account_ids?: string[] } | undefined)?.account_ids;
  if (wanted !== undefined) {
    if (wanted.some((id) => !accounts.some((a) => a.account_id === id))) throw plaidError("INVALID_ACCOUNT_ID");
    accounts = accounts.filter((a) => wanted.includes(a.account_id));
  }
  return { body: { accounts: accounts.map(toAccountBase), item: toPlainItem(item, { withError: false }) } };
};

export const accountRoutes: Record<string, RouteHandler> = { "/accounts/get": getAccounts };
