import { maxAliasesRule } from "@escape.tech/graphql-armor-max-aliases";
import { maxDepthRule } from "@escape.tech/graphql-armor-max-depth";
import { maxDirectivesRule } from "@escape.tech/graphql-armor-max-directives";
import { GraphQLError, Lexer, print, Source, TokenKind, type ASTVisitor, type ParseOptions, type ValidationContext, type ValidationRule } from "graphql";
import type { GraphqlLimits } from "../config.js";

/**
 * The parser's own token cap. Every token is at least one character, so a document with more tokens
 * than this breaks both the token limit and the size limit anyway; the cap only keeps the parser's
 * work proportional to what could be accepted.
 */
function parseTokenCap(limits: GraphqlLimits): number {
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

/**
 * The rules every document must pass on top of GraphQL's own, for HTTP and WebSocket alike: size in
 * characters, tokens, depth, aliases, directives and, when introspection is off, no `__schema`/`__type`.
 */
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
    ...(limits.introspection ? [] : [noIntrospectionRule]),
  ];
}

/** With introspection off: one error for each `__schema` or `__type` the document asks for. */
const noIntrospectionRule: ValidationRule = (context) => ({
  Field(node) {
    if (node.name.value === "__schema" || node.name.value === "__type") {
      context.reportError(new GraphQLError("GraphQL introspection is not allowed by this gateway, but the query contained __schema or __type.", { nodes: [node] }));
    }
  },
});
