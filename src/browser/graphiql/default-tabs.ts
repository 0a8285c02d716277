import itemStatusChange from "../operations/item-status-change.graphql";
import items from "./tabs/items.graphql";
import live from "./tabs/live.graphql";

/** The documents GraphiQL opens with: the viewer's Items, and the "Live" subscription (with the fragment it spreads). */
export const DEFAULT_TAB_DOCUMENTS: readonly string[] = [items, `${live}\n${itemStatusChange}`];
