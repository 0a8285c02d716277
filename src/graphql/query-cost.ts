import { getNamedType, getNullableType, isLeafType, isListType, type DocumentNode, type GraphQLSchema } from "graphql";
// The CommonJS build: it shares the `graphql` module instance with the schema (the ESM build loads graphql's .mjs files).
import { getComplexity, type ComplexityEstimator, type ComplexityEstimatorArgs } from "graphql-query-complexity/cjs";
import { MAX_NODE_IDS } from "../services/node.service.js";
import { MAX_PAGE_SIZE } from "../services/pagination.js";
import { mergeRepeatedFields } from "./merged-fields.js";

/**
 * The cost model behind GRAPHQL_MAX_COST (5000 by default): roughly, how many objects an operation
 * makes the gateway load or build, plus a heavy weight for every Plaid call it causes.
 *
 *   cost(field) = PLAID_CALL × plaidCalls(field) + (one of)
 *     scalar or enum (or a list of them)  0             they come with their object; the token limit bounds how many
 *     connection (has `first`)            1 + first × cost(selection)
 *     connection wrapper (edges, pageInfo) cost(selection)   what they wrap is already counted
 *     list of objects                     size × (1 + cost(selection))
 *     object                              1 + cost(selection)
 *
 * - `first` is the value the operation passes (variables included), or the argument's default when
 *   absent, capped at MAX_PAGE_SIZE (a larger page is the resolvers' BAD_USER_INPUT, not a cost matter).
 *   Connections: Query.items, User.items (also `viewer.items`), Item.consentEvents, Item.history.
 * - `size` of a list that has no paging argument: SMALL_LIST (an Item's accounts, a consent event's
 *   accounts), which the institution bounds; `nodes`: the ids asked for.
 * - plaidCalls: Item.accounts (/accounts/get) and Item.consentEvents (/consent/events/get) call Plaid
 *   once per Item; every mutation calls Plaid at least once; `node` may (a consent event's id is looked
 *   up in its Item's consent log), and `nodes` once per id asked, its list sized by the ids too.
 * - A field asked for again in the same selection with the same arguments (under another alias) costs
 *   nothing more: it resolves to the same objects, which the loaders fetch once (merged-fields.ts).
 * - Introspection fields cost nothing: the schema is static and served from memory (and they are
 *   refused outright when introspection is off).
 *
 * Examples: `viewer { items { edges { node { accounts { id } consentEvents(first: 1) { totalCount } } } } }`
 * costs 1 + 1 + 50 × (1 + 35 + 26) = 3,102; `viewer { items { edges { node { consentEvents(first: 100) {
 * edges { node { eventCode } } } } } } }` costs 1 + 1 + 50 × (1 + 126) = 6,352 and is refused.
 */
export const COST = {
  /** One Plaid call. */
  PLAID_CALL: 25,
  /** Elements assumed for any other list of objects without a paging argument. */
  SMALL_LIST: 10,
} as const;

/** Fields that call Plaid once per parent object, as `Type.field`. */
const PLAID_FIELDS = new Set(["Item.accounts", "Item.consentEvents", "Query.node"]);

/** Ids a `nodes` call asks for (at most MAX_NODE_IDS are served; more is BAD_USER_INPUT). */
const idsAsked = (args: Record<string, unknown>): number => (Array.isArray(args.ids) ? Math.min(args.ids.length, MAX_NODE_IDS) : MAX_NODE_IDS);

function plaidCalls({ type, field, args }: ComplexityEstimatorArgs): number {
  const coordinate = `${type.name}.${field.name}`;
  if (coordinate === "Query.nodes") return idsAsked(args);
  return PLAID_FIELDS.has(coordinate) || type.name === "Mutation" ? 1 : 0;
}

/** The page a connection field asks for: `first` (variables already applied) or its default, within 0..MAX_PAGE_SIZE. */
function pageSize({ field, args }: ComplexityEstimatorArgs): number {
  const requested = typeof args.first === "number" ? args.first : field.args.find((arg) => arg.name === "first")?.defaultValue;
  return typeof requested === "number" ? Math.min(Math.max(requested, 0), MAX_PAGE_SIZE) : MAX_PAGE_SIZE;
}

/** Elements assumed for a list of objects without a paging argument. */
function listSize({ type, field, args }: ComplexityEstimatorArgs): number {
  const coordinate = `${type.name}.${field.name}`;
  if (coordinate === "Query.nodes") return idsAsked(args);
  return COST.SMALL_LIST;
}

/** The one estimator: see the model above. */
const costEstimator: ComplexityEstimator = (options) => {
  const { type, field, childComplexity } = options;
  if (type.name.startsWith("__") || field.name.startsWith("__")) return 0;
  const plaid = COST.PLAID_CALL * plaidCalls(options);
  const returnType = getNullableType(field.type);
  const named = getNamedType(field.type);
  if (isLeafType(named)) return plaid;
  if (field.args.some((arg) => arg.name === "first") && named.name.endsWith("Connection")) {
    return plaid + 1 + pageSize(options) * childComplexity;
  }
  if ((type.name.endsWith("Connection") && field.name === "edges") || named.name === "PageInfo") return plaid + childComplexity;
  if (isListType(returnType)) return plaid + listSize(options) * (1 + childComplexity);
  return plaid + 1 + childComplexity;
};

/**
 * The cost of the operation to run (named, or the document's only one) with these variables.
 * Throws when the variables do not fit the operation (check them first) or when the document has
 * more fields, fragments expanded, than can be priced.
 */
export function operationCost(schema: GraphQLSchema, document: DocumentNode, operationName: string | undefined, variables: Record<string, unknown> | undefined): number {
  return getComplexity({ schema, query: mergeRepeatedFields(document), operationName, variables: variables ?? {}, estimators: [costEstimator] });
}
