/* eslint-disable */
import * as types from './graphql.js';
import type { TypedDocumentNode as DocumentNode } from '@graphql-typed-document-node/core';

/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "fragment ItemFields on Item {\n  id\n  status\n  recommendedAction\n  newAccountsAvailable\n  statusChangedAt\n  removedAt\n  institution {\n    id\n    name\n  }\n  error {\n    errorType\n    errorCode\n    displayMessage\n  }\n}\n\nquery ViewerItems($status: [ItemStatus!], $first: Int, $after: String) {\n  viewer {\n    id\n    items(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...ItemFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}\n\nquery ItemDetails($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n    accounts {\n      id\n      name\n      mask\n      type\n      subtype\n    }\n    lastEvent: history(first: 1) {\n      edges {\n        cursor\n      }\n    }\n  }\n}\n\nmutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    ...ItemFields\n  }\n}\n\nmutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      ...ItemFields\n    }\n  }\n}\n\nsubscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    id\n    cursor\n    itemId\n    previousStatus\n    status\n    cause\n    occurredAt\n    item {\n      ...ItemFields\n    }\n  }\n}": typeof types.ItemFieldsFragmentDoc,
    "query ItemSummary($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n  }\n}": typeof types.ItemSummaryDocument,
};
const documents: Documents = {
    "fragment ItemFields on Item {\n  id\n  status\n  recommendedAction\n  newAccountsAvailable\n  statusChangedAt\n  removedAt\n  institution {\n    id\n    name\n  }\n  error {\n    errorType\n    errorCode\n    displayMessage\n  }\n}\n\nquery ViewerItems($status: [ItemStatus!], $first: Int, $after: String) {\n  viewer {\n    id\n    items(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...ItemFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}\n\nquery ItemDetails($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n    accounts {\n      id\n      name\n      mask\n      type\n      subtype\n    }\n    lastEvent: history(first: 1) {\n      edges {\n        cursor\n      }\n    }\n  }\n}\n\nmutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    ...ItemFields\n  }\n}\n\nmutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      ...ItemFields\n    }\n  }\n}\n\nsubscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    id\n    cursor\n    itemId\n    previousStatus\n    status\n    cause\n    occurredAt\n    item {\n      ...ItemFields\n    }\n  }\n}": types.ItemFieldsFragmentDoc,
    "query ItemSummary($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n  }\n}": types.ItemSummaryDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 *
 *
 * @example
 * ```ts
 * const query = graphql(`query GetUser($id: ID!) { user(id: $id) { name } }`);
 * ```
 *
 * The query argument is unknown!
 * Please regenerate the types.
 */
export function graphql(source: string): unknown;

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ItemFields on Item {\n  id\n  status\n  recommendedAction\n  newAccountsAvailable\n  statusChangedAt\n  removedAt\n  institution {\n    id\n    name\n  }\n  error {\n    errorType\n    errorCode\n    displayMessage\n  }\n}\n\nquery ViewerItems($status: [ItemStatus!], $first: Int, $after: String) {\n  viewer {\n    id\n    items(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...ItemFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}\n\nquery ItemDetails($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n    accounts {\n      id\n      name\n      mask\n      type\n      subtype\n    }\n    lastEvent: history(first: 1) {\n      edges {\n        cursor\n      }\n    }\n  }\n}\n\nmutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    ...ItemFields\n  }\n}\n\nmutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      ...ItemFields\n    }\n  }\n}\n\nsubscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    id\n    cursor\n    itemId\n    previousStatus\n    status\n    cause\n    occurredAt\n    item {\n      ...ItemFields\n    }\n  }\n}"): (typeof documents)["fragment ItemFields on Item {\n  id\n  status\n  recommendedAction\n  newAccountsAvailable\n  statusChangedAt\n  removedAt\n  institution {\n    id\n    name\n  }\n  error {\n    errorType\n    errorCode\n    displayMessage\n  }\n}\n\nquery ViewerItems($status: [ItemStatus!], $first: Int, $after: String) {\n  viewer {\n    id\n    items(status: $status, first: $first, after: $after) {\n      totalCount\n      edges {\n        cursor\n        node {\n          ...ItemFields\n        }\n      }\n      pageInfo {\n        hasNextPage\n        hasPreviousPage\n        startCursor\n        endCursor\n      }\n    }\n  }\n}\n\nquery ItemDetails($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n    accounts {\n      id\n      name\n      mask\n      type\n      subtype\n    }\n    lastEvent: history(first: 1) {\n      edges {\n        cursor\n      }\n    }\n  }\n}\n\nmutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    ...ItemFields\n  }\n}\n\nmutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    ...ItemFields\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      ...ItemFields\n    }\n  }\n}\n\nsubscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    id\n    cursor\n    itemId\n    previousStatus\n    status\n    cause\n    occurredAt\n    item {\n      ...ItemFields\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ItemSummary($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n  }\n}"): (typeof documents)["query ItemSummary($id: ID!) {\n  item(id: $id) {\n    ...ItemFields\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;