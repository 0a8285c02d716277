import { Arg, Ctx, ID, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { SandboxItemWebhookCode } from "../schema/enums.js";
import { Item } from "../schema/item.type.js";
import type { SandboxItemWebhookCode as SandboxItemWebhookCodeValue } from "../domain/sandbox-webhooks.js";

@Resolver()
export class SandboxResolver {
  @Mutation(() => Item, {
    description:
      "Sandbox and simulator only: create an Item for the viewer without Link (institution default ins_109508), linked for the US. With PLAID_ENV=production it is FORBIDDEN.",
  })
  sandboxCreateItem(
    @Arg("institutionId", () => String, {
      nullable: true,
      description: "Plaid's institution_id of a Sandbox institution (`ins_…`); another form is BAD_USER_INPUT. Null or omitted: ins_109508, First Platypus Bank.",
    })
    institutionId: string | null,
    @Arg("products", () => [String], {
      nullable: true,
      description: 'Products to initialize, checked as createLinkToken\'s `products` (BAD_USER_INPUT). Null or omitted: ["transactions"].',
    })
    products: string[] | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.sandbox.createItem(ctx, institutionId, products);
  }

  @Mutation(() => Item, {
    description:
      "Sandbox and simulator only (FORBIDDEN in production): put the Item into ITEM_LOGIN_REQUIRED (/sandbox/item/reset_login). Returns the Item as it then is (LOGIN_REQUIRED), once Plaid's ERROR webhook has been taken in or /item/get has confirmed it, so a normalized cache shows the change without a refetch.",
  })
  sandboxResetLogin(
    @Arg("itemId", () => ID, {
      description: "The Item's id (Plaid's item_id). It must be an Item the viewer may see (their own; admins: any), else NOT_FOUND, and not REMOVED, else BAD_USER_INPUT.",
    })
    itemId: string,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.sandbox.resetLogin(ctx, itemId);
  }

  @Mutation(() => Item, {
    description:
      "Sandbox and simulator only (FORBIDDEN in production): have Plaid fire an ITEM webhook for the Item. Returns the Item once the webhook has been taken in (waiting up to 5 s; after that, as it stands, its change following over itemStatusChanged).",
  })
  sandboxFireWebhook(
    @Arg("itemId", () => ID, {
      description: "The Item's id (Plaid's item_id). It must be an Item the viewer may see (their own; admins: any), else NOT_FOUND, and not REMOVED, else BAD_USER_INPUT.",
    })
    itemId: string,
    @Arg("code", () => SandboxItemWebhookCode, { description: "The ITEM webhook to fire; PENDING_EXPIRATION only with the simulator (BAD_USER_INPUT in Plaid's Sandbox)." })
    code: SandboxItemWebhookCodeValue,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.sandbox.fireWebhook(ctx, itemId, code);
  }
}
