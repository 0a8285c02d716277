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
    "mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}": typeof types.DashboardCreateItemDocument,
    "query DashboardViewer {\n  viewer {\n    clientUserId\n  }\n}\n\nquery DashboardAdminCheck {\n  items(first: 1) {\n    totalCount\n  }\n}": typeof types.DashboardViewerDocument,
    "query Items {\n  viewer {\n    clientUserId\n    items {\n      id\n      status\n      recommendedAction\n      institution {\n        name\n      }\n      statusChangedAt\n    }\n  }\n}": typeof types.ItemsDocument,
    "subscription Live($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n  }\n}": typeof types.LiveDocument,
    "fragment ItemStatusChange on ItemStatusEvent {\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n  cursor\n}": typeof types.ItemStatusChangeFragmentDoc,
    "query AdminItems($status: [ItemStatus!], $first: Int, $after: String) {\n  items(status: $status, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        owner {\n          clientUserId\n        }\n      }\n    }\n  }\n}": typeof types.AdminItemsDocument,
    "query AdminUser($clientUserId: String!) {\n  user(clientUserId: $clientUserId) {\n    id\n    clientUserId\n    items {\n      id\n    }\n  }\n}": typeof types.AdminUserDocument,
    "mutation CreateLinkToken($input: CreateLinkTokenInput!) {\n  createLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}": typeof types.CreateLinkTokenDocument,
    "mutation ExchangePublicToken($publicToken: String!) {\n  exchangePublicToken(publicToken: $publicToken) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    owner {\n      clientUserId\n    }\n  }\n}": typeof types.ExchangePublicTokenDocument,
    "fragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment ItemStatusEventFields on ItemStatusEvent {\n  cursor\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n}": typeof types.PageFieldsFragmentDoc,
    "query ItemConsentEvents($id: ID!, $first: Int, $after: String, $eventType: ConsentEventType, $eventCode: ConsentEventCode) {\n  item(id: $id) {\n    id\n    consentEvents(\n      first: $first\n      after: $after\n      eventType: $eventType\n      eventCode: $eventCode\n    ) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          itemId\n          createdAt\n          eventType\n          eventCode\n          institutionId\n          institutionName\n          initiator\n          consentedUseCases\n          consentedDataScopes\n          consentedAccounts {\n            accountId\n            mask\n            name\n            officialName\n            type\n            subtype\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ItemConsentEventsDocument,
    "query ItemDetails($id: ID!) {\n  item(id: $id) {\n    id\n    owner {\n      clientUserId\n    }\n    institution {\n      id\n      name\n    }\n    status\n    error {\n      errorType\n      errorCode\n      message\n      displayMessage\n    }\n    recommendedAction\n    newAccountsAvailable\n    consentExpiresAt\n    disconnectAt\n    products\n    billedProducts\n    availableProducts\n    consentedProducts\n    consentedUseCases\n    consentedDataScopes\n    updateType\n    createdAt\n    syncedAt\n    accounts {\n      id\n      name\n      officialName\n      mask\n      type\n      subtype\n    }\n  }\n}": typeof types.ItemDetailsDocument,
    "query ItemHistory($id: ID!, $first: Int, $after: String) {\n  item(id: $id) {\n    id\n    history(first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...ItemStatusEventFields\n          item {\n            id\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ItemHistoryDocument,
    "subscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    ...ItemStatusEventFields\n    item {\n      id\n      status\n    }\n    error {\n      errorType\n      errorCode\n    }\n  }\n}": typeof types.ItemStatusChangedDocument,
    "query ItemsOverview {\n  viewer {\n    items {\n      id\n      status\n      recommendedAction\n      syncedAt\n      accounts {\n        id\n      }\n      consentEvents(first: 1) {\n        totalCount\n      }\n      history(first: 1) {\n        edges {\n          node {\n            cause\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ItemsOverviewDocument,
    "mutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    id\n    status\n    removedAt\n    accounts {\n      id\n    }\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      id\n      status\n      removedAt\n    }\n    requestId\n  }\n}": typeof types.RemoveItemDocument,
    "mutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    products\n  }\n}": typeof types.SandboxCreateItemDocument,
    "mutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    id\n    status\n  }\n}\n\nmutation SandboxFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    id\n    status\n    newAccountsAvailable\n  }\n}": typeof types.SandboxResetLoginDocument,
    "mutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    newAccountsAvailable\n    error {\n      errorCode\n    }\n  }\n}\n\nmutation RefreshItem($itemId: ID!) {\n  refreshItem(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    syncedAt\n    error {\n      errorType\n      errorCode\n    }\n  }\n}": typeof types.CreateUpdateLinkTokenDocument,
    "query ViewerItems {\n  viewer {\n    items {\n      id\n      status\n      institution {\n        name\n      }\n      consentEvents {\n        totalCount\n        edges {\n          node {\n            eventCode\n          }\n        }\n      }\n    }\n  }\n}": typeof types.ViewerItemsDocument,
    "query Viewer {\n  viewer {\n    id\n    clientUserId\n    createdAt\n  }\n}": typeof types.ViewerDocument,
};
const documents: Documents = {
    "fragment DashboardItem on Item {\n  id\n  status\n  recommendedAction\n  statusChangedAt\n  institution {\n    id\n    name\n  }\n  owner {\n    clientUserId\n  }\n  error {\n    errorCode\n  }\n}\n\nfragment ListedItem on Item {\n  ...DashboardItem\n  history(first: 1) {\n    edges {\n      node {\n        cursor\n        occurredAt\n      }\n    }\n  }\n}": types.DashboardItemFragmentDoc,
    "query DashboardItems($after: String) {\n  items(first: 100, after: $after) {\n    edges {\n      node {\n        ...ListedItem\n      }\n    }\n    pageInfo {\n      hasNextPage\n      endCursor\n    }\n  }\n}\n\nquery DashboardViewerItems {\n  viewer {\n    items {\n      ...ListedItem\n    }\n  }\n}": types.DashboardItemsDocument,
    "subscription DashboardLive($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n    item {\n      ...DashboardItem\n    }\n  }\n}": types.DashboardLiveDocument,
    "mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}": types.DashboardCreateItemDocument,
    "query DashboardViewer {\n  viewer {\n    clientUserId\n  }\n}\n\nquery DashboardAdminCheck {\n  items(first: 1) {\n    totalCount\n  }\n}": types.DashboardViewerDocument,
    "query Items {\n  viewer {\n    clientUserId\n    items {\n      id\n      status\n      recommendedAction\n      institution {\n        name\n      }\n      statusChangedAt\n    }\n  }\n}": types.ItemsDocument,
    "subscription Live($after: String) {\n  itemStatusChanged(after: $after) {\n    ...ItemStatusChange\n  }\n}": types.LiveDocument,
    "fragment ItemStatusChange on ItemStatusEvent {\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n  cursor\n}": types.ItemStatusChangeFragmentDoc,
    "query AdminItems($status: [ItemStatus!], $first: Int, $after: String) {\n  items(status: $status, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        owner {\n          clientUserId\n        }\n      }\n    }\n  }\n}": types.AdminItemsDocument,
    "query AdminUser($clientUserId: String!) {\n  user(clientUserId: $clientUserId) {\n    id\n    clientUserId\n    items {\n      id\n    }\n  }\n}": types.AdminUserDocument,
    "mutation CreateLinkToken($input: CreateLinkTokenInput!) {\n  createLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}": types.CreateLinkTokenDocument,
    "mutation ExchangePublicToken($publicToken: String!) {\n  exchangePublicToken(publicToken: $publicToken) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    owner {\n      clientUserId\n    }\n  }\n}": types.ExchangePublicTokenDocument,
    "fragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment ItemStatusEventFields on ItemStatusEvent {\n  cursor\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n}": types.PageFieldsFragmentDoc,
    "query ItemConsentEvents($id: ID!, $first: Int, $after: String, $eventType: ConsentEventType, $eventCode: ConsentEventCode) {\n  item(id: $id) {\n    id\n    consentEvents(\n      first: $first\n      after: $after\n      eventType: $eventType\n      eventCode: $eventCode\n    ) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          itemId\n          createdAt\n          eventType\n          eventCode\n          institutionId\n          institutionName\n          initiator\n          consentedUseCases\n          consentedDataScopes\n          consentedAccounts {\n            accountId\n            mask\n            name\n            officialName\n            type\n            subtype\n          }\n        }\n      }\n    }\n  }\n}": types.ItemConsentEventsDocument,
    "query ItemDetails($id: ID!) {\n  item(id: $id) {\n    id\n    owner {\n      clientUserId\n    }\n    institution {\n      id\n      name\n    }\n    status\n    error {\n      errorType\n      errorCode\n      message\n      displayMessage\n    }\n    recommendedAction\n    newAccountsAvailable\n    consentExpiresAt\n    disconnectAt\n    products\n    billedProducts\n    availableProducts\n    consentedProducts\n    consentedUseCases\n    consentedDataScopes\n    updateType\n    createdAt\n    syncedAt\n    accounts {\n      id\n      name\n      officialName\n      mask\n      type\n      subtype\n    }\n  }\n}": types.ItemDetailsDocument,
    "query ItemHistory($id: ID!, $first: Int, $after: String) {\n  item(id: $id) {\n    id\n    history(first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...ItemStatusEventFields\n          item {\n            id\n          }\n        }\n      }\n    }\n  }\n}": types.ItemHistoryDocument,
    "subscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    ...ItemStatusEventFields\n    item {\n      id\n      status\n    }\n    error {\n      errorType\n      errorCode\n    }\n  }\n}": types.ItemStatusChangedDocument,
    "query ItemsOverview {\n  viewer {\n    items {\n      id\n      status\n      recommendedAction\n      syncedAt\n      accounts {\n        id\n      }\n      consentEvents(first: 1) {\n        totalCount\n      }\n      history(first: 1) {\n        edges {\n          node {\n            cause\n          }\n        }\n      }\n    }\n  }\n}": types.ItemsOverviewDocument,
    "mutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    id\n    status\n    removedAt\n    accounts {\n      id\n    }\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      id\n      status\n      removedAt\n    }\n    requestId\n  }\n}": types.RemoveItemDocument,
    "mutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    products\n  }\n}": types.SandboxCreateItemDocument,
    "mutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    id\n    status\n  }\n}\n\nmutation SandboxFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    id\n    status\n    newAccountsAvailable\n  }\n}": types.SandboxResetLoginDocument,
    "mutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    newAccountsAvailable\n    error {\n      errorCode\n    }\n  }\n}\n\nmutation RefreshItem($itemId: ID!) {\n  refreshItem(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    syncedAt\n    error {\n      errorType\n      errorCode\n    }\n  }\n}": types.CreateUpdateLinkTokenDocument,
    "query ViewerItems {\n  viewer {\n    items {\n      id\n      status\n      institution {\n        name\n      }\n      consentEvents {\n        totalCount\n        edges {\n          node {\n            eventCode\n          }\n        }\n      }\n    }\n  }\n}": types.ViewerItemsDocument,
    "query Viewer {\n  viewer {\n    id\n    clientUserId\n    createdAt\n  }\n}": types.ViewerDocument,
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
export function graphql(source: "mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}"): (typeof documents)["mutation DashboardCreateItem($institutionId: String) {\n  sandboxCreateItem(institutionId: $institutionId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    ...DashboardItem\n  }\n}\n\nmutation DashboardUpdateLinkToken($itemId: ID!) {\n  createUpdateLinkToken(input: {itemId: $itemId}) {\n    linkToken\n  }\n}\n\nmutation DashboardCompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    ...DashboardItem\n  }\n}"];
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
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AdminItems($status: [ItemStatus!], $first: Int, $after: String) {\n  items(status: $status, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        owner {\n          clientUserId\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query AdminItems($status: [ItemStatus!], $first: Int, $after: String) {\n  items(status: $status, first: $first, after: $after) {\n    totalCount\n    pageInfo {\n      ...PageFields\n    }\n    edges {\n      cursor\n      node {\n        id\n        status\n        owner {\n          clientUserId\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query AdminUser($clientUserId: String!) {\n  user(clientUserId: $clientUserId) {\n    id\n    clientUserId\n    items {\n      id\n    }\n  }\n}"): (typeof documents)["query AdminUser($clientUserId: String!) {\n  user(clientUserId: $clientUserId) {\n    id\n    clientUserId\n    items {\n      id\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateLinkToken($input: CreateLinkTokenInput!) {\n  createLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}"): (typeof documents)["mutation CreateLinkToken($input: CreateLinkTokenInput!) {\n  createLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ExchangePublicToken($publicToken: String!) {\n  exchangePublicToken(publicToken: $publicToken) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    owner {\n      clientUserId\n    }\n  }\n}"): (typeof documents)["mutation ExchangePublicToken($publicToken: String!) {\n  exchangePublicToken(publicToken: $publicToken) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    owner {\n      clientUserId\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment ItemStatusEventFields on ItemStatusEvent {\n  cursor\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n}"): (typeof documents)["fragment PageFields on PageInfo {\n  hasNextPage\n  endCursor\n}\n\nfragment ItemStatusEventFields on ItemStatusEvent {\n  cursor\n  itemId\n  previousStatus\n  status\n  cause\n  occurredAt\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ItemConsentEvents($id: ID!, $first: Int, $after: String, $eventType: ConsentEventType, $eventCode: ConsentEventCode) {\n  item(id: $id) {\n    id\n    consentEvents(\n      first: $first\n      after: $after\n      eventType: $eventType\n      eventCode: $eventCode\n    ) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          itemId\n          createdAt\n          eventType\n          eventCode\n          institutionId\n          institutionName\n          initiator\n          consentedUseCases\n          consentedDataScopes\n          consentedAccounts {\n            accountId\n            mask\n            name\n            officialName\n            type\n            subtype\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ItemConsentEvents($id: ID!, $first: Int, $after: String, $eventType: ConsentEventType, $eventCode: ConsentEventCode) {\n  item(id: $id) {\n    id\n    consentEvents(\n      first: $first\n      after: $after\n      eventType: $eventType\n      eventCode: $eventCode\n    ) {\n      totalCount\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          itemId\n          createdAt\n          eventType\n          eventCode\n          institutionId\n          institutionName\n          initiator\n          consentedUseCases\n          consentedDataScopes\n          consentedAccounts {\n            accountId\n            mask\n            name\n            officialName\n            type\n            subtype\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ItemDetails($id: ID!) {\n  item(id: $id) {\n    id\n    owner {\n      clientUserId\n    }\n    institution {\n      id\n      name\n    }\n    status\n    error {\n      errorType\n      errorCode\n      message\n      displayMessage\n    }\n    recommendedAction\n    newAccountsAvailable\n    consentExpiresAt\n    disconnectAt\n    products\n    billedProducts\n    availableProducts\n    consentedProducts\n    consentedUseCases\n    consentedDataScopes\n    updateType\n    createdAt\n    syncedAt\n    accounts {\n      id\n      name\n      officialName\n      mask\n      type\n      subtype\n    }\n  }\n}"): (typeof documents)["query ItemDetails($id: ID!) {\n  item(id: $id) {\n    id\n    owner {\n      clientUserId\n    }\n    institution {\n      id\n      name\n    }\n    status\n    error {\n      errorType\n      errorCode\n      message\n      displayMessage\n    }\n    recommendedAction\n    newAccountsAvailable\n    consentExpiresAt\n    disconnectAt\n    products\n    billedProducts\n    availableProducts\n    consentedProducts\n    consentedUseCases\n    consentedDataScopes\n    updateType\n    createdAt\n    syncedAt\n    accounts {\n      id\n      name\n      officialName\n      mask\n      type\n      subtype\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ItemHistory($id: ID!, $first: Int, $after: String) {\n  item(id: $id) {\n    id\n    history(first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...ItemStatusEventFields\n          item {\n            id\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ItemHistory($id: ID!, $first: Int, $after: String) {\n  item(id: $id) {\n    id\n    history(first: $first, after: $after) {\n      pageInfo {\n        ...PageFields\n      }\n      edges {\n        cursor\n        node {\n          ...ItemStatusEventFields\n          item {\n            id\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    ...ItemStatusEventFields\n    item {\n      id\n      status\n    }\n    error {\n      errorType\n      errorCode\n    }\n  }\n}"): (typeof documents)["subscription ItemStatusChanged($itemIds: [ID!], $after: String) {\n  itemStatusChanged(itemIds: $itemIds, after: $after) {\n    ...ItemStatusEventFields\n    item {\n      id\n      status\n    }\n    error {\n      errorType\n      errorCode\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ItemsOverview {\n  viewer {\n    items {\n      id\n      status\n      recommendedAction\n      syncedAt\n      accounts {\n        id\n      }\n      consentEvents(first: 1) {\n        totalCount\n      }\n      history(first: 1) {\n        edges {\n          node {\n            cause\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ItemsOverview {\n  viewer {\n    items {\n      id\n      status\n      recommendedAction\n      syncedAt\n      accounts {\n        id\n      }\n      consentEvents(first: 1) {\n        totalCount\n      }\n      history(first: 1) {\n        edges {\n          node {\n            cause\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    id\n    status\n    removedAt\n    accounts {\n      id\n    }\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      id\n      status\n      removedAt\n    }\n    requestId\n  }\n}"): (typeof documents)["mutation RemoveItem($itemId: ID!) {\n  removeItem(itemId: $itemId) {\n    id\n    status\n    removedAt\n    accounts {\n      id\n    }\n  }\n}\n\nmutation RemoveUserItems($itemIds: [ID!]!) {\n  removeUserItems(itemIds: $itemIds) {\n    removedItemIds\n    items {\n      id\n      status\n      removedAt\n    }\n    requestId\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    products\n  }\n}"): (typeof documents)["mutation SandboxCreateItem($institutionId: String, $products: [String!]) {\n  sandboxCreateItem(institutionId: $institutionId, products: $products) {\n    id\n    status\n    institution {\n      id\n      name\n    }\n    products\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    id\n    status\n  }\n}\n\nmutation SandboxFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    id\n    status\n    newAccountsAvailable\n  }\n}"): (typeof documents)["mutation SandboxResetLogin($itemId: ID!) {\n  sandboxResetLogin(itemId: $itemId) {\n    id\n    status\n  }\n}\n\nmutation SandboxFireWebhook($itemId: ID!, $code: SandboxItemWebhookCode!) {\n  sandboxFireWebhook(itemId: $itemId, code: $code) {\n    id\n    status\n    newAccountsAvailable\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    newAccountsAvailable\n    error {\n      errorCode\n    }\n  }\n}\n\nmutation RefreshItem($itemId: ID!) {\n  refreshItem(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    syncedAt\n    error {\n      errorType\n      errorCode\n    }\n  }\n}"): (typeof documents)["mutation CreateUpdateLinkToken($input: CreateUpdateLinkTokenInput!) {\n  createUpdateLinkToken(input: $input) {\n    linkToken\n    expiration\n    requestId\n  }\n}\n\nmutation CompleteUpdate($itemId: ID!) {\n  completeUpdate(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    newAccountsAvailable\n    error {\n      errorCode\n    }\n  }\n}\n\nmutation RefreshItem($itemId: ID!) {\n  refreshItem(itemId: $itemId) {\n    id\n    status\n    recommendedAction\n    syncedAt\n    error {\n      errorType\n      errorCode\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ViewerItems {\n  viewer {\n    items {\n      id\n      status\n      institution {\n        name\n      }\n      consentEvents {\n        totalCount\n        edges {\n          node {\n            eventCode\n          }\n        }\n      }\n    }\n  }\n}"): (typeof documents)["query ViewerItems {\n  viewer {\n    items {\n      id\n      status\n      institution {\n        name\n      }\n      consentEvents {\n        totalCount\n        edges {\n          node {\n            eventCode\n          }\n        }\n      }\n    }\n  }\n}"];
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Viewer {\n  viewer {\n    id\n    clientUserId\n    createdAt\n  }\n}"): (typeof documents)["query Viewer {\n  viewer {\n    id\n    clientUserId\n    createdAt\n  }\n}"];

export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}

export type DocumentType<TDocumentNode extends DocumentNode<any, any>> = TDocumentNode extends DocumentNode<  infer TType,  any>  ? TType  : never;