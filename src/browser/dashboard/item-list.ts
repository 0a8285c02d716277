import { DashboardItemsDocument, DashboardViewerItemsDocument, type DashboardItemFragment, type DashboardItemsQuery, type ListedItemFragment } from "../../../generated/graphql.js";
import type { GatewayClient } from "./gateway-client.js";

/** Admins page through every Item; at most this many pages of 100 are shown. */
const MAX_PAGES = 20;

export interface ItemList {
  items: DashboardItemFragment[];
  /** The cursor of the newest event among the listed Items (null for none): live updates resume after it. */
  newestCursor: string | null;
}

async function listedItems(client: GatewayClient, admin: boolean): Promise<ListedItemFragment[]> {
  if (!admin) return (await client.request(DashboardViewerItemsDocument)).viewer.items;
  const items: ListedItemFragment[] = [];
  let after: string | null = null;
  for (let page = 1; ; page++) {
    const data: DashboardItemsQuery = await client.request(DashboardItemsDocument, after ? { after } : {});
    items.push(...data.items.edges.map((edge) => edge.node));
    if (!data.items.pageInfo.hasNextPage || page >= MAX_PAGES) return items;
    after = data.items.pageInfo.endCursor;
  }
}

/** The viewer's Items (admins: every Item, through `items`). */
export async function loadItemList(client: GatewayClient, admin: boolean): Promise<ItemList> {
  const items: DashboardItemFragment[] = [];
  let newest: { cursor: string; occurredAt: string } | undefined;
  for (const { history, ...item } of await listedItems(client, admin)) {
    const last = history.edges[0]?.node;
    if (last && (!newest || new Date(last.occurredAt).getTime() >= new Date(newest.occurredAt).getTime())) newest = last;
    items.push(item);
  }
  return { items, newestCursor: newest?.cursor ?? null };
}
