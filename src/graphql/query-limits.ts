import { getOperationAST, getVariableValues, GraphQLError, parse, specifiedRules, validate, type DocumentNode, type GraphQLSchema } from "graphql";
import type { GraphqlLimits } from "../config.js";
import { limitParseOptions, limitRules } from "./limit-rules.js";
import { operationCost } from "./query-cost.js";

/**
 * Limits every GraphQL operation must stay within, applied the same way over HTTP (Apollo) and over
 * WebSocket (graphql-ws), before any resolver runs:
 *
 * 1. parse, with graphql's own token cap set to `parseTokenCap` (limit-rules.ts);
 * 2. validate: GraphQL's rules plus `limitRules` (limit-rules.ts);
 * 3. price the operation with its variables (`costErrors`, model in query-cost.ts), right after
 *    validation: `first: $first` can only be priced with the variables, which validation does not see
 *    (and a validated document is reused from a cache whatever the variables).
 *
 * Over HTTP Apollo runs the steps with the options and plugin of http/apollo-server.ts; over WebSocket
 * the pipeline's `prepare` runs them. Every rejection carries `extensions.code: "GRAPHQL_VALIDATION_FAILED"`
 * (parse errors: GRAPHQL_PARSE_FAILED; HTTP status 400); variables that do not fit are BAD_USER_INPUT.
 */

export const VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED";
const PARSE_FAILED = "GRAPHQL_PARSE_FAILED";

function coded(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
}

/**
 * Cost-limit errors for the operation with these variables; none when within the limit. Variables
 * that do not fit the operation are left to execution, which refuses them before any resolver runs.
 */
export function costErrors(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> | null | undefined,
  maxCost: number,
): GraphQLError[] {
  const operation = getOperationAST(document, operationName);
  if (!operation) return [];
  if (getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {}).errors) return [];
  let cost: number;
  try {
    cost = operationCost(schema, document, operation.name?.value, variables ?? undefined);
  } catch {
    // More fields (fragments expanded) than the estimator will walk.
    return [new GraphQLError("Query cost could not be estimated: the operation has too many fields.", { extensions: { code: VALIDATION_FAILED } })];
  }
  if (cost <= maxCost) return [];
  return [new GraphQLError(`Query cost limit of ${maxCost} exceeded, found ${cost}.`, { extensions: { code: VALIDATION_FAILED } })];
}

export interface OperationRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/** Parses and validates a document (cacheable: the result depends on the text alone). */
export function validateDocument(schema: GraphQLSchema, limits: GraphqlLimits, query: string): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(query, limitParseOptions(limits));
  } catch (error) {
    const syntax = error instanceof GraphQLError ? error : new GraphQLError("Syntax Error: the document could not be parsed.");
    return { errors: [coded(syntax, PARSE_FAILED)] };
  }
  const invalid = validate(schema, document, [...specifiedRules, ...limitRules(limits)]);
  if (invalid.length > 0) return { errors: invalid.map((error) => coded(error, VALIDATION_FAILED)) };
  return { document };
}

/** A validated document's variables that do not fit their declared types: the caller's input error (BAD_USER_INPUT). */
export function variableErrors(schema: GraphQLSchema, document: DocumentNode, request: Omit<OperationRequest, "query">): GraphQLError[] {
  const operation = getOperationAST(document, request.operationName);
  const coercion = operation ? getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}) : null;
  return coercion?.errors ? coercion.errors.map((error) => coded(error, "BAD_USER_INPUT")) : [];
}
