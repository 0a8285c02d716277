import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { SandboxItemWebhookCode } from "../schema/enums.js";
import { Item } from "../schema/item.type.js";
import type { SandboxItemWebhookCode as SandboxItemWebhookCodeValue } from "../domain/sandbox-webhooks.js";

@Resolver()
export class SandboxResolver {
  @Mutation(() => Item, { description: "Sandbox and simulator only: create an Item for the viewer without Link (institution default ins_109508)." })
  sandboxCreateItem(
    @Arg("institutionId", () => String, { nullable: true }) institutionId: string | null,
    @Arg("products", () => [String], { nullable: true }) products: string[] | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.sandbox.createItem(ctx, institutionId, products);
  }

  @Mutation(() => Boolean, { description: "Sandbox and simulator only: put the Item into ITEM_LOGIN_REQUIRED (/sandbox/item/reset_login)." })
  sandboxResetLogin(@Arg("itemId", () => ID) itemId: string, @Ctx() ctx: GatewayContext): Promise<boolean> {
    return ctx.services.sandbox.resetLogin(ctx, itemId);
  }

  @Mutation(() => Boolean, { description: "Sandbox and simulator only: have Plaid fire an ITEM webhook for the Item." })
  sandboxFireWebhook(
    @Arg("itemId", () => ID) itemId: string,
    @Arg("code", () => SandboxItemWebhookCode) code: SandboxItemWebhookCodeValue,
    @Ctx() ctx: GatewayContext,
  ): Promise<boolean> {
    return ctx.services.sandbox.fireWebhook(ctx, itemId, code);
  }
}
