import { GraphQLScalarType } from "graphql";
import { GraphQLDateTimeISO } from "graphql-scalars";

const DATE_TIME_ISO_DESCRIPTION =
  "A point in time as an ISO 8601 string (the RFC 3339 `date-time` format). The gateway always sends it in UTC, with milliseconds and a `Z`, " +
  "such as `2026-05-19T14:03:07.123Z`: parse it with `new Date(value)` or `Date.parse`, and convert to the user's time zone only for display. " +
  "As input it takes any RFC 3339 date-time with an offset (`Z` or `+02:00`); one without an offset is refused.";

/**
 * The contract's DateTimeISO scalar: graphql-scalars' DateTimeISO (the same name, serialization and
 * parsing) with the gateway's own description.
 */
export const DateTimeISO = new GraphQLScalarType({ ...GraphQLDateTimeISO.toConfig(), description: DATE_TIME_ISO_DESCRIPTION });
