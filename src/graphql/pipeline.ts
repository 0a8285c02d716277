import type { DocumentNode, GraphQLError, GraphQLSchema } from "graphql";
import { LRUCache } from "lru-cache";
import type { GraphqlLimits, PersistedDocumentsConfig } from "../config.js";
import type { Logger } from "../logger.js";
import type { ContextFactory } from "./context.js";
import { createErrorFormatter, type ErrorFormatter } from "./format-error.js";
import { limitParseOptions } from "./limit-rules.js";
import { OperationRun, type OperationObserver } from "./operation-run.js";
import { apqNeedsHttp, PersistedDocuments, type DocumentResolution, type PersistedRequest } from "./persisted-documents.js";
import { costErrors, validateDocument, variableErrors, type OperationRequest } from "./query-limits.js";
import { completeResponse, type ResponseBody, type ResponseContext } from "./response-extensions.js";

/**
 * Validated documents kept per instance by their text, bounded as Apollo bounds its own cache for HTTP:
 * by the size of the parsed documents as JSON (a short text can parse into a large tree).
 */
const DOCUMENT_CACHE_BYTES = 30 * 1024 * 1024;
/** Prices remembered per document, one per set of variables. */
const PRICES_PER_DOCUMENT = 100;

export interface GraphqlPipelineOptions {
  schema: GraphQLSchema;
  limits: GraphqlLimits;
  createContext: ContextFactory;
  logger: Logger;
  /** Told how every operation ended (metrics). */
  observer?: OperationObserver;
  /** PERSISTED_DOCUMENTS: the manifests' operations (in allow-list mode, the only ones that run). */
  persistedDocuments?: PersistedDocumentsConfig | null;
}

/**
 * The one GraphQL pipeline both transports adapt (http/apollo-server.ts, subscriptions/graphql-ws-server.ts):
 * the schema, which document a request runs (persisted documents), the operation's context, query
 * limits and cost, error shaping, the request id and staleData on every answer, and the operation observer.
 */
export class GraphqlPipeline {
  readonly schema: GraphQLSchema;
  readonly limits: GraphqlLimits;
  readonly createContext: ContextFactory;
  readonly formatError: ErrorFormatter;
  private readonly observer?: OperationObserver;
  private readonly persisted: PersistedDocuments;
  private readonly prices = new WeakMap<DocumentNode, LRUCache<string, GraphQLError[]>>();
  private readonly documents = new LRUCache<string, DocumentNode>({
    maxSize: DOCUMENT_CACHE_BYTES,
    sizeCalculation: (document) => JSON.stringify(document).length,
  });

  constructor(options: GraphqlPipelineOptions) {
    this.schema = options.schema;
    this.limits = options.limits;
    this.createContext = options.createContext;
    this.observer = options.observer;
    this.persisted = new PersistedDocuments(options.persistedDocuments ?? null, limitParseOptions(options.limits));
    this.formatError = createErrorFormatter(options.logger, { hideSchemaDetails: !options.limits.introspection });
  }

  /**
   * Which document a request runs (its text, or a persisted document's by its id), or why it is refused;
   * over HTTP an id may also be Apollo's automatic persisted query, which Apollo looks up itself.
   */
  resolveDocument(request: PersistedRequest): DocumentResolution {
    return this.persisted.resolve(request);
  }

  /**
   * The document a request runs (resolveDocument), parsed and validated once per text, then the
   * variables checked and the operation priced.
   */
  prepare(request: OperationRequest & PersistedRequest): { document: DocumentNode } | { errors: GraphQLError[] } {
    const resolved = this.resolveDocument(request);
    if (resolved.kind === "refused") return { errors: [resolved.error] };
    if (resolved.kind === "apq" && resolved.query === undefined) return { errors: [apqNeedsHttp()] };
    const query = resolved.query ?? "";
    let document = this.documents.get(query);
    if (!document) {
      const validated = validateDocument(this.schema, this.limits, query);
      if ("errors" in validated) return validated;
      document = validated.document;
      this.documents.set(query, document);
    }
    const invalid = variableErrors(this.schema, document, request);
    if (invalid.length > 0) return { errors: invalid };
    const tooCostly = this.costErrors(document, request);
    return tooCostly.length > 0 ? { errors: tooCostly } : { document };
  }

  /**
   * The cost limit alone, for a transport that parses, validates and checks variables itself (Apollo).
   * The price of a document with the same variables is remembered (documents are cached, so kept alike).
   */
  costErrors(document: DocumentNode, request: Omit<OperationRequest, "query">): GraphQLError[] {
    const key = `${request.operationName ?? ""}|${JSON.stringify(request.variables ?? {})}`;
    let prices = this.prices.get(document);
    if (!prices) this.prices.set(document, (prices = new LRUCache({ max: PRICES_PER_DOCUMENT })));
    let errors = prices.get(key);
    if (!errors) prices.set(key, (errors = costErrors(this.schema, document, request.operationName, request.variables, this.limits.maxCost)));
    return errors;
  }

  /** Adds the request id to every error and the staleData report to an answer. */
  completeResponse<T extends ResponseBody>(body: T, context: ResponseContext | undefined): T {
    return completeResponse(body, context);
  }

  /** Starts timing an operation for the observer. */
  startOperation(operationName: string | null | undefined): OperationRun {
    return new OperationRun(this.observer, operationName);
  }
}
