import "reflect-metadata";
import { createPubSub } from "@graphql-yoga/subscription";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { AccessTokenResolver } from "../resolvers/access-token.resolver.js";
import { authChecker } from "../resolvers/auth-checker.js";
import { ConsentEventResolver } from "../resolvers/consent-event.resolver.js";
import { ItemStatusEventResolver } from "../resolvers/item-status-event.resolver.js";
import { ItemResolver } from "../resolvers/item.resolver.js";
import { LinkResolver } from "../resolvers/link.resolver.js";
import { NodeResolver } from "../resolvers/node.resolver.js";
import { QueryResolver } from "../resolvers/query.resolver.js";
import { RemovalResolver } from "../resolvers/removal.resolver.js";
import { UpdateModeResolver } from "../resolvers/update-mode.resolver.js";
import { SandboxResolver } from "../resolvers/sandbox.resolver.js";
import { SubscriptionResolver } from "../resolvers/subscription.resolver.js";
import { UserResolver } from "../resolvers/user.resolver.js";

/** What the root operation types are for (type-graphql builds them and takes no description for them). */
const ROOT_DESCRIPTIONS = {
  Query: "Reads: the signed-in user and their Items, any object by its global id, and admin views across all users.",
  Mutation: "Changes: Link tokens, public token exchange, update mode, refresh, removal, access token rotation, and Sandbox helpers. Each returns what it changed as it now is.",
  Subscription: "Live streams over graphql-ws on the same /graphql path: Item status changes, resumable from a cursor.",
} as const;

/** The gateway's executable schema, built from the type-graphql classes. */
export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      QueryResolver,
      UserResolver,
      ItemResolver,
      ItemStatusEventResolver,
      LinkResolver,
      UpdateModeResolver,
      RemovalResolver,
      AccessTokenResolver,
      SandboxResolver,
      SubscriptionResolver,
      NodeResolver,
      ConsentEventResolver,
    ],
    authChecker,
    authMode: "error",
    // Subscriptions stream from the Item event bus through their own subscribe functions; type-graphql
    // still requires a pubsub to be present.
    pubSub: createPubSub(),
    validate: false,
    emitSchemaFile: false,
  });
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root) root.description = ROOT_DESCRIPTIONS[root.name as keyof typeof ROOT_DESCRIPTIONS];
  }
  return schema;
}
