import { GraphQLError } from "graphql";
import { GatewayError } from "../domain/errors.js";

/**
 * How a connection is closed when its user already holds as many as allowed on this instance. graphql-ws
 * keeps 4400-4409, 4429 (a second connection_init), 4499, 4500 and 4504 for itself.
 */
export const TOO_MANY_CONNECTIONS = { code: 4430, reason: "Too many connections" } as const;

/** Open graphql-ws connections per user (by clientUserId) on this instance. */
export class UserConnectionCounts {
  private readonly counts = new Map<string, number>();

  constructor(private readonly maxPerUser: number) {}

  /** Takes one of the user's slots; false when every slot is taken. */
  tryAcquire(clientUserId: string): boolean {
    const open = this.counts.get(clientUserId) ?? 0;
    if (open >= this.maxPerUser) return false;
    this.counts.set(clientUserId, open + 1);
    return true;
  }

  /** Gives back a slot taken by tryAcquire. */
  release(clientUserId: string): void {
    const open = this.counts.get(clientUserId) ?? 0;
    if (open <= 1) this.counts.delete(clientUserId);
    else this.counts.set(clientUserId, open - 1);
  }
}

/** A subscribe refused because its connection already runs as many operations as allowed. */
export class TooManySubscriptionsError extends GatewayError {
  constructor(maxPerConnection: number) {
    super("RATE_LIMITED", `Too many subscriptions on this connection: at most ${maxPerConnection} may run at once. Complete one before starting another.`, {
      maxSubscriptionsPerConnection: maxPerConnection,
    });
    this.name = "TooManySubscriptionsError";
  }
}

/** The refusal as graphql-ws's onSubscribe answers it (a GraphQLError carrying the gateway's error). */
export function tooManySubscriptions(maxPerConnection: number): GraphQLError {
  const error = new TooManySubscriptionsError(maxPerConnection);
  return new GraphQLError(error.message, { originalError: error });
}

/** The gateway's own refusal behind a GraphQLError that graphql-ws carried, for the error formatter; else the error itself. */
export function refusalBehind(error: GraphQLError): GraphQLError | TooManySubscriptionsError {
  return error.originalError instanceof TooManySubscriptionsError ? error.originalError : error;
}
