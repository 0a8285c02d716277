import { FieldResolver, ID, Resolver, Root } from "type-graphql";
import type { ConsentEvent as ConsentEventValue } from "../domain/consent.js";
import { consentEventNodeId } from "../services/node-ids.js";
import { ConsentEvent } from "../schema/consent-event.type.js";

@Resolver(() => ConsentEvent)
export class ConsentEventResolver {
  @FieldResolver(() => ID)
  id(@Root() event: ConsentEventValue): string {
    return consentEventNodeId(event);
  }
}
