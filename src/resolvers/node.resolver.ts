import { Arg, Ctx, ID, Query, Resolver } from "type-graphql";
import type { GatewayContext } from "./context.js";
import type { NodeValue } from "../services/node.service.js";
import { Node } from "../schema/node.interface.js";

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description:
      "The object with this global id, if the viewer may see it. Null when it does not exist, is not visible (another user's) or the id is malformed: the three read alike.",
  })
  node(@Arg("id", () => ID, { description: "A global id, as read from any object's `id`." }) id: string, @Ctx() ctx: GatewayContext): Promise<NodeValue | null> {
    return ctx.services.nodes.node(ctx, id);
  }

  @Query(() => [Node], {
    nullable: "items",
    description: "The objects with these global ids, in the order asked, each null as `node(id:)` would be. At most 100 ids.",
  })
  nodes(@Arg("ids", () => [ID], { description: "Global ids, at most 100; more is BAD_USER_INPUT." }) ids: string[], @Ctx() ctx: GatewayContext): Promise<Array<NodeValue | null>> {
    return ctx.services.nodes.nodes(ctx, ids);
  }
}
