import {
  getNamedType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  isUnionType,
  printType,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";

/** The types a type refers to, in the order a reader meets them: fields (and their arguments), then implementations. */
function referencedTypes(schema: GraphQLSchema, type: GraphQLNamedType): GraphQLNamedType[] {
  const found: GraphQLNamedType[] = [];
  if (isObjectType(type) || isInterfaceType(type)) {
    found.push(...type.getInterfaces());
    for (const field of Object.values(type.getFields())) {
      found.push(getNamedType(field.type));
      for (const arg of field.args) found.push(getNamedType(arg.type));
    }
    if (isInterfaceType(type)) found.push(...schema.getPossibleTypes(type));
  } else if (isInputObjectType(type)) {
    for (const field of Object.values(type.getFields())) found.push(getNamedType(field.type));
  } else if (isUnionType(type)) {
    found.push(...type.getTypes());
  }
  return found;
}

/**
 * The schema as SDL in reading order: Query, Mutation and Subscription first, then every other type
 * where a reader first meets it (breadth first), so the emitted file reads from the entry points down.
 */
export function printSchemaInReadingOrder(schema: GraphQLSchema): string {
  const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].filter((root) => root != null);
  const order: GraphQLNamedType[] = [];
  const seen = new Set<string>();
  const queue: GraphQLNamedType[] = [...roots];
  while (queue.length > 0) {
    const type = queue.shift()!;
    if (seen.has(type.name) || isSpecifiedScalarType(type) || isIntrospectionType(type)) continue;
    seen.add(type.name);
    order.push(type);
    queue.push(...referencedTypes(schema, type));
  }
  const unreached = Object.values(schema.getTypeMap()).filter((type) => !seen.has(type.name) && !isSpecifiedScalarType(type) && !isIntrospectionType(type));
  return [...order, ...unreached].map((type) => printType(type)).join("\n\n");
}
