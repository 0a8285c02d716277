import type { ApolloServerPlugin } from "@apollo/server";
import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import {
  getOperationAST,
  getVariableValues,
  GraphQLError,
  Lexer,
  NoSchemaIntrospectionCustomRule,
  parse,
  print,
  Source,
  specifiedRules,
  TokenKind,
  validate,
  type ASTVisitor,
  type DocumentNode,
  type GraphQLSchema,
  type ParseOptions,
  type ValidationContext,
  type ValidationRule,
} from "graphql";
import type { GraphqlLimits } from "../config.js";
import { operationCost } from "./query-cost.js";

/**
 * Limits every GraphQL operation must stay within, applied the same way over HTTP (Apollo) and over
 * WebSocket (graphql-ws), before any resolver runs:
 *
 * 1. parse, with graphql's own token cap set to `parseTokenCap` (see there);
 * 2. validate: GraphQL's rules plus `limitRules` (document size in characters, tokens, depth, aliases,
 *    directives) and, when introspection is off, a rule refusing `__schema` and `__type`;
 * 3. price the operation with its variables (`costErrors`, model in query-limits-cost.ts), right after
 *    validation: `first: $first` can only be priced with the variables, which validation does not see
 *    (and Apollo skips validation for a document it has validated before, whatever the variables).
 *
 * Over HTTP Apollo runs the steps from `apolloLimitOptions` and `queryCostPlugin`; over WebSocket
 * `prepareOperation` runs them in graphql-ws's onSubscribe. Every rejection carries
 * `extensions.code: "GRAPHQL_VALIDATION_FAILED"` (parse errors: GRAPHQL_PARSE_FAILED; HTTP status 400), and when
 * introspection is off, validation errors lose their "Did you mean …?" suggestions.
 */

const VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED";
const PARSE_FAILED = "GRAPHQL_PARSE_FAILED";

/**
 * The parser's own token cap. Every token is at least one character, so a document with more tokens
 * than this breaks both the token limit and the size limit anyway; the cap only keeps the parser's
 * work proportional to what could be accepted.
 */
export function parseTokenCap(limits: GraphqlLimits): number {
  return Math.max(limits.maxTokens, limits.maxDocumentBytes);
}

export function limitParseOptions(limits: GraphqlLimits): ParseOptions {
  return { maxTokens: parseTokenCap(limits) };
}

function sourceOf(context: ValidationContext): string {
  const document = context.getDocument();
  return document.loc?.source.body ?? print(document);
}

/** Whether the text has more than `max` tokens (comments are not tokens); counting stops at max + 1. */
function exceedsTokens(text: string, max: number): boolean {
  const lexer = new Lexer(new Source(text));
  let count = 0;
  try {
    while (lexer.advance().kind !== TokenKind.EOF) {
      if (++count > max) return true;
    }
  } catch {
    // Not lexable: the parser has reported it already.
  }
  return false;
}

/** Size of the document in characters (GRAPHQL_MAX_DOCUMENT_BYTES counts characters). */
function documentSizeRule(max: number): ValidationRule {
  return (context) => {
    const length = sourceOf(context).length;
    if (length > max) context.reportError(new GraphQLError(`Document size limit of ${max} characters exceeded, found ${length}.`));
    return {};
  };
}

function tokenRule(max: number): ValidationRule {
  return (context) => {
    if (exceedsTokens(sourceOf(context), max)) context.reportError(new GraphQLError(`Token limit of ${max} exceeded.`));
    return {};
  };
}

/** graphql-armor's rules report through the validation context, as GraphQL's own rules do, instead of throwing. */
const armorOptions = {
  exposeLimits: true,
  propagateOnRejection: false,
  onReject: [(context: ValidationContext | null, error: GraphQLError) => context?.reportError(new GraphQLError(error.message.replace(/^Syntax Error: /, "")))],
};

/** The limit rules, on top of GraphQL's own, for HTTP and WebSocket alike. */
export function limitRules(limits: GraphqlLimits): ValidationRule[] {
  // graphql-armor's visitors declare their own shape; they are plain visitors with an OperationDefinition hook.
  const armor =
    (rule: (context: ValidationContext) => object): ValidationRule =>
    (context) =>
      rule(context) as ASTVisitor;
  return [
    documentSizeRule(limits.maxDocumentBytes),
    tokenRule(limits.maxTokens),
    // flattenFragments: a fragment adds the depth of its fields, not a level of its own.
    armor(maxDepthRule({ ...armorOptions, n: limits.maxDepth, flattenFragments: true, ignoreIntrospection: true })),
    armor(maxAliasesRule({ ...armorOptions, n: limits.maxAliases })),
    armor(maxDirectivesRule({ ...armorOptions, n: limits.maxDirectives })),
  ];
}

/** Apollo Server options that apply the limits over HTTP (the cost limit is `queryCostPlugin`). */
export function apolloLimitOptions(limits: GraphqlLimits) {
  return {
    parseOptions: limitParseOptions(limits),
    validationRules: limitRules(limits),
    introspection: limits.introspection,
    // Drops "Did you mean …?" from validation errors: without introspection, the schema is not to be guessed at.
    hideSchemaDetailsFromClientErrors: !limits.introspection,
  };
}

/** The same removal Apollo applies with hideSchemaDetailsFromClientErrors. */
function withoutSuggestions(message: string): string {
  return message.replace(/ ?Did you mean(.+?)\?$/, "");
}

function coded(error: GraphQLError, code: string, message = error.message): GraphQLError {
  return new GraphQLError(message, { nodes: error.nodes, source: error.source, positions: error.positions, extensions: { ...error.extensions, code } });
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

/** The cost limit over HTTP: once Apollo has resolved the operation, before execution starts. */
export function queryCostPlugin<TContext extends object>(limits: GraphqlLimits): ApolloServerPlugin<TContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ schema, document, operationName, request }) {
          const [error] = costErrors(schema, document, operationName, request.variables, limits.maxCost);
          if (error) throw new GraphQLError(error.message, { extensions: { code: VALIDATION_FAILED, http: { status: 400 } } });
        },
      };
    },
  };
}

export interface OperationRequest {
  query: string;
  operationName?: string | null;
  variables?: Record<string, unknown> | null;
}

/**
 * Parse, validate and price an operation as Apollo does over HTTP with `apolloLimitOptions` and
 * `queryCostPlugin`: the document to execute, or the errors to send back (already coded).
 */
export function prepareOperation(schema: GraphQLSchema, limits: GraphqlLimits, request: OperationRequest): { document: DocumentNode } | { errors: GraphQLError[] } {
  let document: DocumentNode;
  try {
    document = parse(request.query, limitParseOptions(limits));
  } catch (error) {
    const syntax = error instanceof GraphQLError ? error : new GraphQLError("Syntax Error: the document could not be parsed.");
    return { errors: [coded(syntax, PARSE_FAILED)] };
  }
  const rules = [...specifiedRules, ...limitRules(limits), ...(limits.introspection ? [] : [NoSchemaIntrospectionCustomRule])];
  const invalid = validate(schema, document, rules);
  if (invalid.length > 0) {
    return { errors: invalid.map((error) => coded(error, VALIDATION_FAILED, limits.introspection ? error.message : withoutSuggestions(error.message))) };
  }
  // Variables that do not fit their declared types are the caller's input error, as over HTTP.
  const operation = getOperationAST(document, request.operationName);
  const coercion = operation ? getVariableValues(schema, operation.variableDefinitions ?? [], request.variables ?? {}) : null;
  if (coercion?.errors) return { errors: coercion.errors.map((error) => coded(error, "BAD_USER_INPUT")) };
  const tooCostly = costErrors(schema, document, request.operationName, request.variables, limits.maxCost);
  if (tooCostly.length > 0) return { errors: tooCostly };
  return { document };
}
