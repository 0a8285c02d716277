import { Repeater } from "@repeaterjs/repeater";
import { createSourceEventStream, Kind, visit, type DocumentNode, type ExecutionArgs, type ExecutionResult } from "graphql";
import type { Viewer } from "../domain/viewer.js";
import type { GraphqlPipeline } from "../graphql/pipeline.js";
import type { GatewayContext } from "../resolvers/context.js";
import type { LiveItemEvents } from "../services/item-status-stream.js";
import { LiveGroup, LiveSubscriber, type LiveTarget } from "./live-group.js";

/** What the group key needs of a document, worked out once per parsed document. */
interface DocumentFacts {
  id: number;
  /** The variable passed as `after` and used nowhere else: subscribers differing only in it share executions. */
  cursorVariable: string | null;
}

/**
 * Subscriptions over graphql-ws whose events are executed once per group (same document, variables but
 * the cursor, and viewer scope) and written to each socket by the group. graphql-ws keeps the protocol and
 * each operation's lifecycle: it runs `subscribe`, which answers a stream that never yields and ends when
 * the operation does (or with the error that ended it).
 */
export class SharedLiveDelivery {
  private readonly groups = new Map<string, LiveGroup>();
  private readonly targets = new WeakMap<object, LiveTarget>();
  private readonly documents = new WeakMap<DocumentNode, DocumentFacts>();
  private documentCount = 0;

  constructor(private readonly pipeline: GraphqlPipeline) {}

  /** Where the frames of the operation run with this context go (graphql-ws hands only the execution arguments on). */
  register(context: GatewayContext, target: LiveTarget): void {
    this.targets.set(context, target);
  }

  /** graphql-ws's `subscribe`: the field's source stream, run through the group; refusals (bad arguments) as they are. */
  async subscribe(args: ExecutionArgs): Promise<ExecutionResult | AsyncGenerator<ExecutionResult>> {
    const source = await createSourceEventStream(args);
    if (!isLiveItemEvents(source)) {
      if ("errors" in source) return source;
      throw new Error("a subscription field that does not answer live Item events");
    }
    const context = args.contextValue as GatewayContext;
    const target = this.targets.get(context);
    if (!target) throw new Error("a subscription without a registered target");
    const key = this.groupKey(args, context.viewer);
    return new Repeater<ExecutionResult>(async (_push, stop) => {
      const group = this.join(key, args, context.viewer);
      const subscriber = new LiveSubscriber(target, group, (error) => stop(error));
      const end = source.start(subscriber);
      try {
        await stop;
      } finally {
        subscriber.stop();
        end();
        this.leave(key, group);
      }
    });
  }

  private join(key: string, args: ExecutionArgs, viewer: Viewer): LiveGroup {
    let group = this.groups.get(key);
    if (!group) {
      const { document, operationName, variableValues } = args;
      group = new LiveGroup({ document, operationName, variableValues, viewer }, this.pipeline);
      this.groups.set(key, group);
    }
    group.members += 1;
    return group;
  }

  private leave(key: string, group: LiveGroup): void {
    group.members -= 1;
    if (group.members === 0 && this.groups.get(key) === group) this.groups.delete(key);
  }

  /** Who sees the same: one user (by the token's subject), or every admin alike. */
  private groupKey(args: ExecutionArgs, viewer: Viewer): string {
    let facts = this.documents.get(args.document);
    if (!facts) this.documents.set(args.document, (facts = { id: ++this.documentCount, cursorVariable: cursorVariableOf(args.document) }));
    const { cursorVariable } = facts;
    const variables = Object.entries(args.variableValues ?? {})
      .filter(([name]) => name !== cursorVariable)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return JSON.stringify([facts.id, args.operationName ?? null, viewer.isAdmin ? null : viewer.clientUserId, variables]);
  }
}

function isLiveItemEvents(source: AsyncIterable<unknown> | ExecutionResult): source is LiveItemEvents {
  return typeof (source as Partial<LiveItemEvents>).start === "function";
}

/** The variable given as itemStatusChanged's `after`, when it is the only use of that variable. */
function cursorVariableOf(document: DocumentNode): string | null {
  const cursors = new Set<string>();
  const uses = new Map<string, number>();
  visit(document, {
    Field(field) {
      if (field.name.value !== "itemStatusChanged") return;
      for (const argument of field.arguments ?? []) if (argument.name.value === "after" && argument.value.kind === Kind.VARIABLE) cursors.add(argument.value.name.value);
    },
    Variable(variable, _key, parent) {
      const definition = parent && !Array.isArray(parent) && (parent as { kind?: string }).kind === Kind.VARIABLE_DEFINITION;
      if (!definition) uses.set(variable.name.value, (uses.get(variable.name.value) ?? 0) + 1);
    },
  });
  const [cursor, ...others] = cursors;
  return cursor !== undefined && others.length === 0 && uses.get(cursor) === 1 ? cursor : null;
}
