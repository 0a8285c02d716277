import type { GraphQLFormattedError } from "graphql";
import type { StaleDataCollector } from "../services/stale-data.js";

/** The part of an answer the pipeline completes, as both transports hold it. */
export interface ResponseBody {
  data?: unknown;
  errors?: readonly GraphQLFormattedError[];
  extensions?: Record<string, unknown>;
}

/** What an operation tells its answer: its request id and, once it ran, what it served from stored data. */
export interface ResponseContext {
  requestId: string;
  staleData?: StaleDataCollector;
}

/**
 * What every answer carries over either transport: the request id on each error (so a client report
 * can be matched to the log), and `extensions.staleData: [{ itemId, field, fetchedAt, reason }]` listing
 * what was served from stored data instead of Plaid's current answer (absent when all was fresh).
 */
export function completeResponse<T extends ResponseBody>(body: T, context: ResponseContext | undefined): T {
  if (!context) return body;
  const errors = body.errors?.map((error) => ({ ...error, extensions: { ...error.extensions, requestId: context.requestId } }));
  const staleData = context.staleData && context.staleData.size > 0 ? context.staleData.list() : null;
  if (!errors && !staleData) return body;
  return { ...body, ...(errors ? { errors } : {}), ...(staleData ? { extensions: { ...body.extensions, staleData } } : {}) };
}
