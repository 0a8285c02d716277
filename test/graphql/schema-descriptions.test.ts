import { readFileSync } from "node:fs";
import {
  buildSchema as buildSdl,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  isSpecifiedScalarType,
  Kind,
  parse,
  print,
  type DefinitionNode,
  type GraphQLSchema,
  type StringValueNode,
} from "graphql";
import { GraphQLDateTimeISO } from "graphql-scalars";
import { beforeAll, describe, expect, it } from "vitest";
import { buildGatewaySchema } from "../../src/graphql/schema.js";
import { DateTimeISO } from "../../src/schema/scalars.js";

/** The committed schema every client generates its code from. */
const committedSdl = readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8");

const blank = (description: string | null | undefined): boolean => !description || description.trim() === "";

/**
 * Every part of the schema a client can meet that has no description (or only whitespace), as schema
 * coordinates: `Type`, `Type.field`, `Type.field(argument:)`, `Input.field`, `Enum.VALUE`. Introspection
 * types and GraphQL's own scalars (String, Int, Float, Boolean, ID) are GraphQL's, not the gateway's.
 */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (isIntrospectionType(type) || isSpecifiedScalarType(type)) continue;
    if (blank(type.description)) missing.push(type.name);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
        for (const arg of field.args) if (blank(arg.description)) missing.push(`${type.name}.${field.name}(${arg.name}:)`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) if (blank(field.description)) missing.push(`${type.name}.${field.name}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) if (blank(value.description)) missing.push(`${type.name}.${value.name}`);
    }
  }
  return missing;
}

/** The SDL with the description at one schema coordinate replaced (undefined: removed); throws when nothing is there. */
function withDescription(sdl: string, coordinate: string, text: string | undefined): string {
  const [, typeName, member, argName] = /^(\w+)(?:\.(\w+)(?:\((\w+):\))?)?$/.exec(coordinate) ?? [];
  const description: StringValueNode | undefined = text === undefined ? undefined : { kind: Kind.STRING, value: text, block: false };
  let replaced = 0;
  const swap = <T extends { readonly description?: StringValueNode }>(node: T): T => {
    replaced += 1;
    return { ...node, description };
  };
  const document = parse(sdl);
  const definitions = document.definitions.map((definition): DefinitionNode => {
    if (!("name" in definition) || definition.name?.value !== typeName) return definition;
    if (member === undefined) return swap(definition as DefinitionNode & { description?: StringValueNode });
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION) {
      return { ...definition, values: definition.values?.map((value) => (value.name.value === member ? swap(value) : value)) };
    }
    if (definition.kind === Kind.INPUT_OBJECT_TYPE_DEFINITION) {
      return { ...definition, fields: definition.fields?.map((field) => (field.name.value === member ? swap(field) : field)) };
    }
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION || definition.kind === Kind.INTERFACE_TYPE_DEFINITION) {
      const fields = definition.fields?.map((field) => {
        if (field.name.value !== member) return field;
        if (argName === undefined) return swap(field);
        return { ...field, arguments: field.arguments?.map((arg) => (arg.name.value === argName ? swap(arg) : arg)) };
      });
      return { ...definition, fields };
    }
    return definition;
  });
  if (replaced !== 1) throw new Error(`${coordinate} is not in the schema`);
  return print({ ...document, definitions });
}

describe("schema descriptions", () => {
  let served: GraphQLSchema;
  const committed = buildSdl(committedSdl);

  beforeAll(async () => {
    served = await buildGatewaySchema();
  });

  it("describes every type, field, argument, input field and enum value of the committed schema.graphql", () => {
    expect(undescribed(committed)).toEqual([]);
  });

  it("describes every type, field, argument, input field and enum value of the schema the gateway serves", () => {
    expect(undescribed(served)).toEqual([]);
  });

  it("notices a missing or blank description of each kind", () => {
    expect(undescribed(committed)).toEqual([]);
    const stripped = ["ItemEdge", "Item.status", "Query.items(first:)", "CreateUpdateLinkTokenInput.itemId", "ItemAction.RELINK", "DateTimeISO", "Node.id"];
    for (const coordinate of stripped) {
      expect(undescribed(buildSdl(withDescription(committedSdl, coordinate, undefined)))).toEqual([coordinate]);
    }
    expect(undescribed(buildSdl(withDescription(committedSdl, "Item.syncedAt", " \n\t ")))).toEqual(["Item.syncedAt"]);
    expect(() => withDescription(committedSdl, "Item.noSuchField", undefined)).toThrow("Item.noSuchField is not in the schema");
  });

  it("gives DateTimeISO the gateway's own description, without graphql-scalars' typo", () => {
    for (const schema of [committed, served]) {
      const description = schema.getType("DateTimeISO")?.description ?? "";
      expect(description).not.toContain("calendar.This");
      expect(description).toMatch(/UTC/);
    }
  });

  it("keeps DateTimeISO's name and behaviour exactly as graphql-scalars has them", () => {
    expect(served.getType("DateTimeISO")).toBe(DateTimeISO);
    expect(DateTimeISO.name).toBe(GraphQLDateTimeISO.name);
    expect(DateTimeISO.specifiedByURL).toBe(GraphQLDateTimeISO.specifiedByURL);
    expect(DateTimeISO.extensions).toEqual(GraphQLDateTimeISO.extensions);
    const outcome = (run: () => unknown): unknown => {
      try {
        const value = run();
        return value instanceof Date ? { date: value.toISOString() } : { value };
      } catch (error) {
        return { error: (error as Error).message };
      }
    };
    const inputs: unknown[] = [new Date("2026-05-19T14:03:07.123Z"), "2026-05-19T16:03:07+02:00", "2026-05-19T14:03:07", 1_779_199_387_123, new Date(Number.NaN), true];
    for (const input of inputs) {
      expect(outcome(() => DateTimeISO.serialize(input))).toEqual(outcome(() => GraphQLDateTimeISO.serialize(input)));
      expect(outcome(() => DateTimeISO.parseValue(input))).toEqual(outcome(() => GraphQLDateTimeISO.parseValue(input)));
    }
    for (const literal of ['"2026-05-19T14:03:07.123Z"', '"yesterday"', "42"]) {
      const ast = parse(`{ f(a: ${literal}) }`).definitions[0];
      const value =
        ast?.kind === Kind.OPERATION_DEFINITION && ast.selectionSet.selections[0]?.kind === Kind.FIELD ? ast.selectionSet.selections[0].arguments?.[0]?.value : undefined;
      if (!value) throw new Error(`could not read the literal ${literal}`);
      expect(outcome(() => DateTimeISO.parseLiteral(value))).toEqual(outcome(() => GraphQLDateTimeISO.parseLiteral(value)));
    }
    expect(DateTimeISO.serialize(new Date("2026-05-19T16:03:07+02:00"))).toBe("2026-05-19T14:03:07.000Z");
  });
});
