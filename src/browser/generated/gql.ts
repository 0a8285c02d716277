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
    "fragment DashboardItem on Item {\n  id\n  status\n  recommendedAction\n  statusChangedAt\n  institution {\n    id\n    name\n  }\n  owner {\n    clientUserId\n  }\n  error {\n    errorCode\n  }\n}\n\nfragment ListedItem on Item {\n  ...DashboardItem\n  history(first: 1) {\n    edges {\n      node {\n        cursor\n        occurredAt\n      }\n    }\n  }\n}": typeof types.DashboardItemFragmentDoc,
    "query DashboardItems($after: String) {\n  items(first: 100, after: $after) {\n    edges {\n      node {\n        ...ListedItem\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery DashboardViewerItems {\n  viewer {\n    items {\n      ...ListedItem\n    }\n  }\n}": typeof types.DashboardItemsDocument,
    "subscription DashboardLive($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n    item {\n      ...DashboardItem\n    }\n  }\n}": typeof types.DashboardLiveDocument,
    "mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId)\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code)\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}": typeof types.DashboardCreateItemDocument,
    "query DashboardViewer {\n  viewer {\n    clientUserId\n  }\n}\n\nquery DashboardAdminCheck {\n  items(first: 1) {\n    totalCount\n  }\n}": typeof types.DashboardViewerDocument,
    "query Items {\n  viewer {\n    clientUserId\n    items {\n      id\n      status\n      recommendedAction\n      institution {\n        name\n      }\n      statusChangedAt\n    }\n  }\n}": typeof types.ItemsDocument,
    "subscription Live($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n  }\n}": typeof types.LiveDocument,
    "fragment ItemStatusChange on ItemStatusEvent {\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n  cursor\n}": typeof types.ItemStatusChangeFragmentDoc,
};
const documents: Documents = {
    "fragment DashboardItem on Item {\n  id\n  status\n  recommendedAction\n  statusChangedAt\n  institution {\n    id\n    name\n  }\n  owner {\n    clientUserId\n  }\n  error {\n    errorCode\n  }\n}\n\nfragment ListedItem on Item {\n  ...DashboardItem\n  history(first: 1) {\n    edges {\n      node {\n        cursor\n        occurredAt\n      }\n    }\n  }\n}": types.DashboardItemFragmentDoc,
    "query DashboardItems($after: String) {\n  items(first: 100, after: $after) {\n    edges {\n      node {\n        ...ListedItem\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery DashboardViewerItems {\n  viewer {\n    items {\n      ...ListedItem\n    }\n  }\n}": types.DashboardItemsDocument,
    "subscription DashboardLive($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n    item {\n      ...DashboardItem\n    }\n  }\n}": types.DashboardLiveDocument,
    "mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId)\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code)\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}": types.DashboardCreateItemDocument,
    "query DashboardViewer {\n  viewer {\n    clientUserId\n  }\n}\n\nquery DashboardAdminCheck {\n  items(first: 1) {\n    totalCount\n  }\n}": types.DashboardViewerDocument,
    "query Items {\n  viewer {\n    clientUserId\n    items {\n      id\n      status\n      recommendedAction\n      institution {\n        name\n      }\n      statusChangedAt\n    }\n  }\n}": types.ItemsDocument,
    "subscription Live($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n  }\n}": types.LiveDocument,
    "fragment ItemStatusChange on ItemStatusEvent {\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n  cursor\n}": types.ItemStatusChangeFragmentDoc,
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
export function graphql(source: "fragment DashboardItem on Item {\n  id\n  status\n  recommendedAction\n  statusChangedAt\n  institution {\n    id\n    name\n  }\n  owner {\n    clientUserId\n  }\n  error {\n    errorCode\n  }\n}\n\nfragment ListedItem on Item {\n  ...DashboardItem\n  history(first: 1) {\n    edges {\n      node {\n        cursor\n        occurredAt\n      }\n    }\n  }\n}"): (typeof documents)["fragment DashboardItem on Item {\n  id\n  status\n  recommendedAction\n  statusChangedAt\n  institution {\n    id\n    name\n  }\n  owner {\n    clientUserId\n  }\n  error {\n    errorCode\n  }\n}\n\nfragment ListedItem on Item {\n  ...DashboardItem\n  history(first: 1) {\n    edges {\n      node {\n        cursor\n        occurredAt\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardItems($after: String) {\n  items(first: 100, after: $after) {\n    edges {\n      node {\n        ...ListedItem\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery DashboardViewerItems {\n  viewer {\n    items {\n      ...ListedItem\n    }\n  }\n}"): (typeof documents)["query DashboardItems($after: String) {\n  items(first: 100, after: $after) {\n    edges {\n      node {\n        ...ListedItem\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery DashboardViewerItems {\n  viewer {\n    items {\n      ...ListedItem\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription DashboardLive($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n    item {\n      ...DashboardItem\n    }\n  }\n}"): (typeof documents)["subscription DashboardLive($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n    item {\n      ...DashboardItem\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId)\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code)\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}"): (typeof documents)["mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId)\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code)\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DashboardViewer {\n  viewer {\n    clientUserId\n  }\n}\n\nquery DashboardAdminCheck {\n  items(first: 1) {\n    totalCount\n  }\n}"): (typeof documents)["query DashboardViewer {\n  viewer {\n    clientUserId\n  }\n}\n\nquery DashboardAdminCheck {\n  items(first: 1) {\n    totalCount\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Items {\n  viewer {\n    clientUserId\n    items {\n      id\n      status\n      recommendedAction\n      institution {\n        name\n      }\n      statusChangedAt\n    }\n  }\n}"): (typeof documents)["query Items {\n  viewer {\n    clientUserId\n    items {\n      id\n      status\n      recommendedAction\n      institution {\n        name\n      }\n      statusChangedAt\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription Live($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n  }\n}"): (typeof documents)["subscription Live($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment ItemStatusChange on ItemStatusEvent {\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n  cursor\n}"): (typeof documents)["fragment ItemStatusChange on ItemStatusEvent {\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n  cursor\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;