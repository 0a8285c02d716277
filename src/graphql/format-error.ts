import { GraphQLError, type GraphQLFormattedError } from "graphql";
import { GatewayError } from "../domain/errors.js";
import type { Logger } from "../logger.js";

/** Codes that GraphQL itself or Apollo assign and that are safe to show as they are. */
const PASS_THROUGH = new Set([
  "GRAPHQL_PARSE_FAILED",
  "GRAPHQL_VALIDATION_FAILED",
  "BAD_USER_INPUT",
  "BAD_REQUEST",
  "PERSISTED_QUERY_NOT_FOUND",
  "PERSISTED_QUERY_NOT_SUPPORTED",
  "PERSISTED_QUERY_NOT_ALLOWED",
  "OPERATION_RESOLUTION_FAILURE",
  "UNAUTHENTICATED",
  "FORBIDDEN",
]);

export type ErrorFormatter = (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError;

/** What a resolver threw, out of the GraphQLError that execution wrapped it in. */
function unwrapResolverError(error: unknown): unknown {
  return error instanceof GraphQLError && error.path && error.originalError ? error.originalError : error;
}

/**
 * GraphQL's closing "Did you mean …?" hint, which names fields, arguments, types or enum values of the
 * schema: only the quoted names GraphQL suggests, at the very end, so a client's own value quoted earlier
 * in the message stays as it was sent.
 */
const SUGGESTION = / ?Did you mean (?:[a-z ]+ )?"[^"]*"(?:,? (?:or )?"[^"]*")*\?$/;

function withoutSuggestions(message: string): string {
  return message.replace(SUGGESTION, "");
}

/**
 * Shapes every error a client sees, over either transport: the gateway's own errors keep their code and
 * safe extensions; GraphQL's own errors keep their code; anything else is masked and logged, never sent as
 * it is. With `hideSchemaDetails` no message keeps a "Did you mean …?" hint, whatever its code (a
 * document's validation or a variable's value): without introspection the schema is not to be guessed at.
 */
export function createErrorFormatter(logger: Logger, options: { hideSchemaDetails: boolean }): ErrorFormatter {
  const shape = createVisibleError(logger);
  if (!options.hideSchemaDetails) return shape;
  return (formatted, error) => {
    const shaped = shape(formatted, error);
    return { ...shaped, message: withoutSuggestions(shaped.message) };
  };
}

/** The error as a client may see it: what it is safe to show, with its code. */
function createVisibleError(logger: Logger): ErrorFormatter {
  return (formatted, error) => {
    const original = unwrapResolverError(error);
    const base = { locations: formatted.locations, path: formatted.path };
    if (original instanceof GatewayError) {
      return { ...base, message: original.message, extensions: { ...original.extensions, code: original.code } };
    }
    const code = formatted.extensions?.code;
    if (typeof code === "string" && PASS_THROUGH.has(code) && (original instanceof GraphQLError || original === error)) {
      const requestId = formatted.extensions?.requestId;
      return { ...base, message: formatted.message, extensions: requestId ? { code, requestId } : { code } };
    }
    logger.error({ err: original, path: formatted.path }, "unexpected error while serving GraphQL");
    return { ...base, message: "Internal server error", extensions: { code: "INTERNAL_SERVER_ERROR" } };
  };
}
