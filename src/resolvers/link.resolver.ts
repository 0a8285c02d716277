import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { CreateLinkTokenInput } from "../schema/create-link-token.input.js";
import { Item } from "../schema/item.type.js";
import { LinkToken } from "../schema/link-token.type.js";
import type { LinkTokenView } from "../services/link.service.js";

@Resolver()
export class LinkResolver {
  @Mutation(() => LinkToken, { description: "Link token to connect a new Item." })
  createLinkToken(@Arg("input", () => CreateLinkTokenInput) input: CreateLinkTokenInput, @Ctx() ctx: GatewayContext): Promise<LinkTokenView> {
    return ctx.services.link.createLinkToken(ctx, { ...input, products: input.products });
  }

  @Mutation(() => Item, { description: "Exchange Link's public_token; the access token is stored encrypted and never returned." })
  exchangePublicToken(@Arg("publicToken", () => String) publicToken: string, @Ctx() ctx: GatewayContext): Promise<ItemSnapshot> {
    return ctx.services.link.exchangePublicToken(ctx, publicToken);
  }
}
