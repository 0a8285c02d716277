import { Arg, Ctx, Mutation, Resolver } from "type-graphql";
import type { GatewayContext } from "../context.js";
import type { ItemSnapshot } from "../domain/item.js";
import { Item } from "../schema/item.type.js";

@Resolver()
export class SandboxResolver {
  @Mutation(() => Item, { description: "Sandbox and simulator only: create an Item for the viewer without Link (institution default ins_109508)." })
  sandboxCreateItem(
    @Arg("institutionId", () => String, { nullable: true }) institutionId: string | null,
    @Arg("products", () => [String], { nullable: true }) products: string[] | null,
    @Ctx() ctx: GatewayContext,
  ): Promise<ItemSnapshot> {
    return ctx.services.link.sandboxCreateItem(ctx, institutionId, products);
  }
}
