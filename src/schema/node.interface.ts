import { Field, ID, InterfaceType } from "type-graphql";

/** Which object type a value resolved from a global id is, by the shape of the gateway's own records. */
function nodeTypeOf(value: object): string {
  if ("sequence" in value) return "ItemStatusEvent";
  if ("clientUserId" in value) return "User";
  if ("eventCode" in value) return "ConsentEvent";
  return "Item";
}

@InterfaceType({
  description: "An object with a global id: refetch it with `node(id:)`, and normalized caches (Apollo Client, urql Graphcache, Relay) key it by `__typename` and `id`.",
  resolveType: nodeTypeOf,
})
export abstract class Node {
  @Field(() => ID, {
    description: "The object's global id, stable for as long as the object exists. Opaque: an Item's is Plaid's item_id, any other's is made by the gateway; do not parse it.",
  })
  id!: string;
}
