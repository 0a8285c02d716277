import { getOperationAST, type DocumentNode } from "graphql";

/** How one GraphQL operation ended, over HTTP or graphql-ws. */
export interface OperationRecord {
  /** Null or empty for an anonymous operation. */
  operationName: string | null | undefined;
  /** query, mutation or subscription; unknown when the document never got that far (parse or validation errors). */
  type: string;
  ok: boolean;
  durationSeconds: number;
}

/** Told how every operation ended (metrics). */
export type OperationObserver = (record: OperationRecord) => void;

/** One operation from its arrival to its last answer (for a subscription: its lifetime), reported once. */
export class OperationRun {
  private readonly started = performance.now();
  private ok = true;
  private ended = false;
  private type = "unknown";

  constructor(
    private readonly observer: OperationObserver | undefined,
    private operationName: string | null | undefined,
  ) {}

  /** Names the operation the document runs; false when it has none by that name (nothing will run). */
  identify(document: DocumentNode): boolean {
    const ast = getOperationAST(document, this.operationName);
    if (!ast) return false;
    this.operationName = ast.name?.value ?? this.operationName;
    this.type = ast.operation;
    return true;
  }

  /** What Apollo resolved, or, for a document that parsed but did not validate, the name it gives. */
  describe(resolved: { name: string | null | undefined; type: string | undefined }, document: DocumentNode | undefined): void {
    const named = document ? getOperationAST(document, this.operationName)?.name?.value : undefined;
    this.operationName = resolved.name ?? named ?? this.operationName;
    this.type = resolved.type ?? "unknown";
  }

  /** Errors were sent (the operation may go on, or complete afterwards). */
  fail(): void {
    this.ok = false;
  }

  /** Refused before it ran (nothing ran, so no duration): reported at once, under the name a refused document's text gives. */
  refuse(query?: unknown): void {
    this.operationName ||= leadingOperationName(query);
    this.fail();
    this.end(0);
  }

  /** Reports the operation, once. */
  end(durationSeconds = (performance.now() - this.started) / 1000): void {
    if (this.ended) return;
    this.ended = true;
    this.observer?.({ operationName: this.operationName, type: this.type, ok: this.ok, durationSeconds });
  }
}

/** The name of a refused document's first operation, read without parsing it (it may be over the parser's limits). */
function leadingOperationName(query: unknown): string | undefined {
  if (typeof query !== "string") return undefined;
  return /^\s*(?:query|mutation|subscription)\s+([_A-Za-z][_0-9A-Za-z]*)/.exec(query.slice(0, 1_000))?.[1];
}
