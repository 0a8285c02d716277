import { readFileSync } from "node:fs";
import {
  buildSchema as buildSdl,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isObjectType,
  printSchema,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputField,
  type GraphQLNamedType,
  type GraphQLSchema,
} from "graphql";
import { beforeAll, describe, expect, it } from "vitest";
import { printSchemaInReadingOrder } from "../../src/graphql/print-schema.js";
import { buildGatewaySchema } from "../../src/graphql/schema.js";

/** The public contract every client relies on. */
const contract = buildSdl(readFileSync(new URL("../fixtures/contract.graphql", import.meta.url), "utf8"));

/** Parts of the contract not served yet (none). */
const NOT_YET_SERVED = new Set<string>();

/** Where the served schema departs from the contract on purpose (CHANGELOG.md says why): field → its served type. */
const CHANGED_ON_PURPOSE = new Map<string, string>([
  // One Item that Plaid cannot answer for must not blank its siblings: null at the field, an error at its path.
  ["Item.accounts", "[Account!]"],
  ["Item.consentEvents", "ConsentEventConnection"],
  // Mutations return what they changed, so a normalized cache updates without a refetch.
  ["Mutation.sandboxResetLogin", "Item!"],
  ["Mutation.sandboxFireWebhook", "Item!"],
  // Every list that can grow is a connection, a user's Items included.
  ["User.items", "ItemConnection!"],
]);

type AnyField = GraphQLField<unknown, unknown> | GraphQLInputField;

function fieldsOf(type: GraphQLNamedType): Record<string, AnyField> {
  if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) return type.getFields();
  return {};
}

function describeArg(arg: GraphQLArgument | GraphQLInputField): string {
  return `${arg.type.toString()}${arg.defaultValue !== undefined ? ` = ${JSON.stringify(arg.defaultValue)}` : ""}`;
}

/** Every difference between the contract and the served schema, as readable lines. */
function differences(served: GraphQLSchema): string[] {
  const problems: string[] = [];
  for (const type of Object.values(contract.getTypeMap())) {
    if (type.name.startsWith("__") || NOT_YET_SERVED.has(type.name)) continue;
    const mine = served.getType(type.name);
    if (!mine) {
      problems.push(`type ${type.name} is missing`);
      continue;
    }
    if (isEnumType(type)) {
      const values = isEnumType(mine) ? mine.getValues().map((v) => v.name) : [];
      for (const value of type.getValues()) if (!values.includes(value.name)) problems.push(`enum ${type.name} lacks ${value.name}`);
      continue;
    }
    const myFields = fieldsOf(mine);
    for (const [name, field] of Object.entries(fieldsOf(type))) {
      if (NOT_YET_SERVED.has(`${type.name}.${name}`)) continue;
      const myField = myFields[name];
      if (!myField) {
        problems.push(`${type.name}.${name} is missing`);
        continue;
      }
      const expected = CHANGED_ON_PURPOSE.get(`${type.name}.${name}`) ?? field.type.toString();
      if (myField.type.toString() !== expected) {
        problems.push(`${type.name}.${name} is ${myField.type.toString()}, expected ${expected}`);
      }
      if (isInputObjectType(type)) {
        const want = describeArg(field as GraphQLInputField);
        const got = describeArg(myField as GraphQLInputField);
        if (want !== got) problems.push(`${type.name}.${name} is ${got}, contract says ${want}`);
        continue;
      }
      const myArgs = new Map(((myField as GraphQLField<unknown, unknown>).args ?? []).map((a) => [a.name, a]));
      for (const arg of (field as GraphQLField<unknown, unknown>).args) {
        const mineArg = myArgs.get(arg.name);
        if (!mineArg) problems.push(`${type.name}.${name}(${arg.name}) is missing`);
        else if (describeArg(mineArg) !== describeArg(arg)) problems.push(`${type.name}.${name}(${arg.name}) is ${describeArg(mineArg)}, contract says ${describeArg(arg)}`);
      }
    }
  }
  return problems;
}

describe("the served schema and the public contract", () => {
  let served: GraphQLSchema;
  beforeAll(async () => {
    served = await buildGatewaySchema();
  });

  it("has every type, field and argument of the contract's query side, with the same types and defaults", () => {
    expect(differences(served)).toEqual([]);
  });

  it("would notice a field the contract has and the schema lacks", () => {
    // The field's line and the description above it.
    const trimmed = buildSdl(printSchema(served).replace(/^\s*(?:"""(?:(?!""")[^])*"""\s*)?billedProducts: \[String!\]!\n/m, "\n"));
    expect(differences(trimmed)).toContain("Item.billedProducts is missing");
  });

  it("never exposes an access token, a public token field or a secret", () => {
    // Rotating an Item's access token is an action on the Item, answered with the Item: the only place the
    // words may appear (the mutation's name and Plaid's endpoint it calls).
    const rotation = /rotateAccessToken|\/item\/access_token\/invalidate/g;
    expect(served.getMutationType()?.getFields().rotateAccessToken?.type.toString()).toBe("Item!");
    const sdl = printSchema(served).replace(rotation, "");
    expect(sdl).not.toMatch(/accessToken|access_token|secret/i);
    const committed = readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8").replace(rotation, "");
    expect(committed).not.toMatch(/accessToken|access_token|secret/i);
  });

  it("matches the committed schema.graphql (run `npm run emit-schema` after changing the schema)", () => {
    const committed = readFileSync(new URL("../../schema.graphql", import.meta.url), "utf8");
    expect(committed.replace(/^#.*\n\n/, "").trim()).toBe(printSchemaInReadingOrder(served).trim());
  });
});
