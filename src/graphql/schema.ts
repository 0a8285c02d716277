import "reflect-metadata";
import { createPubSub } from "@graphql-yoga/subscription";
import type { GraphQLSchema } from "graphql";
import { buildSchema } from "type-graphql";
import { authChecker } from "../resolvers/auth-checker.js";
import { ItemStatusEventResolver } from "../resolvers/item-status-event.resolver.js";
import { ItemResolver } from "../resolvers/item.resolver.js";
import { LinkResolver } from "../resolvers/link.resolver.js";
import { QueryResolver } from "../resolvers/query.resolver.js";
import { RemovalResolver } from "../resolvers/removal.resolver.js";
import { UpdateModeResolver } from "../resolvers/update-mode.resolver.js";
import { SandboxResolver } from "../resolvers/sandbox.resolver.js";
import { SubscriptionResolver } from "../resolvers/subscription.resolver.js";
import { UserResolver } from "../resolvers/user.resolver.js";

/** The gateway's executable schema, built from the type-graphql classes. */
export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [QueryResolver, UserResolver, ItemResolver, ItemStatusEventResolver, LinkResolver, UpdateModeResolver, RemovalResolver, SandboxResolver, SubscriptionResolver],
    authChecker,
    authMode: "error",
    // Subscriptions stream from the Item event bus through their own subscribe functions; type-graphql
    // still requires a pubsub to be present.
    pubSub: createPubSub(),
    validate: false,
    emitSchemaFile: false,
  });
}
