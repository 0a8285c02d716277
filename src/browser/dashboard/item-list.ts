import {
  DashboardItemsDocument,
  DashboardViewerItemsDocument,
  type DashboardItemFragment,
  type ListedItemFragment,
  type ListedItemPageFragment,
} from "../../../generated/graphql.js";
import type { GatewayClient } from "./gateway-client.js";

/** At most this many pages of 100 Items are shown (the viewer's own, or every Item for admins). */
const MAX_PAGES = 20;

export interface ItemList {
  items: DashboardItemFragment[];
  /** The cursor of the newest event among the listed Items (null for none): live updates resume after it. */
  newestCursor: string | null;
}

/** One page of the list: the viewer's Items, or (admins) every Item. */
async function itemPage(client: GatewayClient, admin: boolean, after: string | null): Promise<ListedItemPageFragment> {
  const variables = after ? { after } : {};
  return admin ? (await client.request(DashboardItemsDocument, variables)).items : (await client.request(DashboardViewerItemsDocument, variables)).viewer.items;
}

async function listedItems(client: GatewayClient, admin: boolean): Promise<ListedItemFragment[]> {
  const items: ListedItemFragment[] = [];
  let after: string | null = null;
  for (let page = 1; ; page++) {
    const data: ListedItemPageFragment = await itemPage(client, admin, after);
    items.push(...data.edges.map((edge) => edge.node));
    if (!data.pageInfo.hasNextPage || page >= MAX_PAGES) return items;
    after = data.pageInfo.endCursor;
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
