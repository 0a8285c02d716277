import { getOperationAST, parse, type OperationTypeNode } from "graphql";

/**
 * The type of the operation a request will run. A document that does not parse, or does not say
 * which operation to run, counts as a query: the gateway then answers over HTTP with the exact error.
 */
export function operationType(query: string, operationName?: string | null): `${OperationTypeNode}` {
  try {
    return getOperationAST(parse(query), operationName || undefined)?.operation ?? "query";
  } catch {
    return "query";
  }
}
