import { GraphQLISODateTime } from "type-graphql";

/** The contract's DateTimeISO scalar (ISO 8601 date-time strings). */
export const DateTimeISO = GraphQLISODateTime;
