import type { Store } from "../datasources/store/store.js";
import type { ConsentEvent } from "../domain/consent.js";
import { BadInputError } from "../domain/errors.js";
import type { ItemEvent } from "../domain/item-event.js";
import type { ItemSnapshot } from "../domain/item.js";
import { consentEventDigest, parseNodeId, type NodeRef } from "./node-ids.js";
import type { UserRecord } from "../domain/user.js";
import type { ItemGate } from "./item-gate.js";
import type { ItemsService } from "./items.service.js";
import type { RequestScope } from "./request-scope.js";
import type { UsersService } from "./users.service.js";

/** What a global id resolves to: an Item, a user, a status event or a consent event. */
export type NodeValue = ItemSnapshot | UserRecord | ItemEvent | ConsentEvent;

/** Most ids one `nodes` call may ask for. */
export const MAX_NODE_IDS = 100;

/**
 * Objects by global id, seen exactly as the viewer may see them elsewhere: an id that is malformed,
 * unknown or another user's reads as null alike, so nobody learns whether someone else's object exists.
 */
export class NodeService {
  constructor(
    private readonly store: Store,
    private readonly gate: ItemGate,
    private readonly items: ItemsService,
    private readonly users: UsersService,
  ) {}

  node(scope: RequestScope, id: string): Promise<NodeValue | null> {
    const ref = parseNodeId(id);
    return ref ? this.resolve(scope, ref) : Promise.resolve(null);
  }

  nodes(scope: RequestScope, ids: readonly string[]): Promise<Array<NodeValue | null>> {
    if (ids.length > MAX_NODE_IDS) throw new BadInputError(`ids may hold at most ${MAX_NODE_IDS} ids`, { argument: "ids" });
    return Promise.all(ids.map((id) => this.node(scope, id)));
  }

  private async resolve(scope: RequestScope, ref: NodeRef): Promise<NodeValue | null> {
    switch (ref.type) {
      case "Item":
        return this.items.visible(scope, ref.itemId);
      case "User":
        return this.user(scope, ref.userId);
      case "ItemStatusEvent":
        return this.statusEvent(scope, ref.sequence);
      case "ConsentEvent":
        return this.consentEvent(scope, ref.itemId, ref.digest);
    }
  }

  private async user(scope: RequestScope, userId: string): Promise<UserRecord | null> {
    if (!scope.viewer.isAdmin) {
      const viewer = await scope.user();
      return viewer.id === userId ? viewer : null;
    }
    const [user] = await this.users.findMany([userId]);
    return user ?? null;
  }

  private async statusEvent(scope: RequestScope, sequence: number): Promise<ItemEvent | null> {
    const event = await this.store.events.findBySequence(sequence);
    return event && (await this.gate.visible(scope, event.itemId)) ? event : null;
  }

  private async consentEvent(scope: RequestScope, itemId: string, digest: string): Promise<ConsentEvent | null> {
    const stored = await this.gate.visible(scope, itemId);
    if (!stored || stored.snapshot.status === "REMOVED") return null;
    const events = await scope.loaders.consentEvents.load(itemId);
    return events.find((event) => consentEventDigest(event) === digest) ?? null;
  }
}
