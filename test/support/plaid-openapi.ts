/**
 * Validates Plaid exchanges (request + response bodies) against Plaid's official OpenAPI spec.
 *
 * The spec is OpenAPI 3.0 and not strictly valid, so it is loaded without definition
 * validation: each component schema is converted to JSON Schema with
 * @openapi-contrib/openapi-schema-to-json-schema and registered in one Ajv instance.
 * Validators are compiled lazily, once per operation and side.
 *
 * Requests are checked strictly: Plaid answers UNKNOWN_FIELDS for any property its request
 * schema does not define, although the spec itself allows additional properties.
 */
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { load as parseYaml } from "js-yaml";
import { Ajv2020, type ErrorObject, type ValidateFunction } from "ajv/dist/2020.js";
import ajvFormats from "ajv-formats";
import { openapiSchemaToJsonSchema } from "@openapi-contrib/openapi-schema-to-json-schema";

export interface PlaidExchange {
  path: string;
  request: unknown;
  status: number;
  response: unknown;
}
export interface FidelityViolation {
  path: string;
  status: number;
  side: "request" | "response";
  message: string;
}
export interface PlaidSpecValidator {
  /** Every violation of the spec in this exchange; [] when it conforms. */
  check(exchange: PlaidExchange): FidelityViolation[];
  /** Paths the spec defines (for "is this a real Plaid endpoint" checks). */
  hasPath(path: string): boolean;
}

const PLAID_SPEC_FILE = fileURLToPath(new URL("../fixtures/plaid-openapi-2020-09-14.yml", import.meta.url));

let cached: Promise<PlaidSpecValidator> | undefined;

/** Loads and compiles the spec once per process (lazily, cached). */
export function loadPlaidSpec(): Promise<PlaidSpecValidator> {
  cached ??= readFile(PLAID_SPEC_FILE, "utf8").then((text) => createValidator(parseYaml(text) as OpenApiDocument));
  return cached;
}

/** A schema object (OpenAPI or JSON Schema), read keyword by keyword. */
type Schema = { [keyword: string]: unknown };
/** A request or response body: its schema by media type. */
interface Body {
  content?: Record<string, { schema?: Schema }>;
}
interface OperationObject {
  requestBody?: Body;
  responses?: Record<string, Body>;
}
/** The parts of the spec the validator reads. */
interface OpenApiDocument {
  paths: Record<string, Partial<Record<"post" | "get" | "put" | "patch" | "delete", OperationObject>>>;
  components: { schemas: Record<string, Schema> };
}
/** One operation: the component names of its JSON bodies (null: the body is not JSON). */
interface Operation {
  request?: string;
  responses: Record<string, string | null>;
}

const COMPONENT_REF = "#/components/schemas/";
/** Ajv ids: response side as specified; request side strict, plus "open" variants for allOf members. */
const RESPONSE_DOC = "plaid";
const REQUEST_DOC = "plaid-request";
const REQUEST_OPEN_DOC = "plaid-request-open";
/** Format names Plaid uses that have no standard definition (double/float ranges come from the converter). */
const UNCHECKED_FORMATS = ["double", "float", "binary", "url", "cognito_id"];
/** Envelope used for errors of operations that declare no `default` response. */
const ERROR_ENVELOPE = "PlaidError";

function createValidator(doc: OpenApiDocument): PlaidSpecValidator {
  const responseSide: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(doc.components.schemas)) {
    responseSide[name] = toJsonSchema(schema);
  }
  const requestSide: Record<string, Schema> = {};
  const requestOpen: Record<string, Schema> = {};
  for (const [name, schema] of Object.entries(responseSide)) {
    requestSide[name] = strictRequestSchema(schema, false);
    requestOpen[name] = strictRequestSchema(schema, true);
  }

  const ajv = new Ajv2020({ strict: false, allErrors: true });
  ajvFormats.default(ajv);
  for (const format of UNCHECKED_FORMATS) ajv.addFormat(format, true);
  ajv.addSchema({ $id: RESPONSE_DOC, $defs: responseSide });
  // Derived mechanically from the response side, which Ajv has just checked against its meta-schema.
  ajv.addSchema({ $id: REQUEST_DOC, $defs: requestSide }, undefined, undefined, false);
  ajv.addSchema({ $id: REQUEST_OPEN_DOC, $defs: requestOpen }, undefined, undefined, false);

  const operations = new Map<string, Operation>();
  const templates: Array<{ pattern: RegExp; operation: Operation }> = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    const operation = readOperation(path, item);
    if (!operation) continue;
    operations.set(path, operation);
    if (path.includes("{")) {
      const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{[^}/]+\}/g, "[^/]+")}$`);
      templates.push({ pattern, operation });
    }
  }
  const findOperation = (path: string) => operations.get(path) ?? templates.find((t) => t.pattern.test(path))?.operation;

  const compiled = new Map<string, ValidateFunction>();
  const validatorFor = (docId: string, component: string) => {
    const key = `${docId}#${component}`;
    let validate = compiled.get(key);
    if (!validate) {
      // Plaid bodies are always JSON objects (PlaidError itself is nullable in the spec).
      validate = ajv.compile({ type: "object", $ref: `${docId}#/$defs/${component}` });
      compiled.set(key, validate);
    }
    return validate;
  };

  return {
    hasPath: (path) => findOperation(path) !== undefined,
    check({ path, request, status, response }) {
      if (path.startsWith("/simulator/")) return [];
      const violation = (side: FidelityViolation["side"], message: string): FidelityViolation => ({ path, status, side, message });
      const operation = findOperation(path);
      if (!operation) return [violation("response", `${path} is not an endpoint defined by the Plaid API spec`)];

      const violations: FidelityViolation[] = [];
      const isClientError = status >= 400 && status <= 499;
      if (operation.request && !isClientError) {
        const validate = validatorFor(REQUEST_DOC, operation.request);
        if (!validate(request)) violations.push(...describe("request", validate.errors).map((m) => violation("request", m)));
      }

      const isSuccess = status >= 200 && status <= 299;
      const declared = operation.responses[String(status)];
      const component = isSuccess ? declared : (declared ?? operation.responses.default ?? ERROR_ENVELOPE);
      if (component === undefined) {
        const defined = Object.keys(operation.responses).join(", ");
        violations.push(violation("response", `response /: status ${status} is not defined for ${path} (spec defines ${defined})`));
      } else if (component !== null) {
        const validate = validatorFor(RESPONSE_DOC, component);
        if (!validate(response)) violations.push(...describe("response", validate.errors).map((m) => violation("response", m)));
      }
      return violations;
    },
  };
}

function readOperation(path: string, item: OpenApiDocument["paths"][string]): Operation | undefined {
  const op = item.post ?? item.get ?? item.put ?? item.patch ?? item.delete;
  if (!op) return undefined;
  const responses: Record<string, string | null> = {};
  for (const [status, response] of Object.entries(op.responses ?? {})) {
    responses[status] = componentOf(path, response);
  }
  return { request: (op.requestBody && componentOf(path, op.requestBody)) ?? undefined, responses };
}

/** Component name of a request/response's JSON body, or null when it has no JSON body. */
function componentOf(path: string, body: Body): string | null {
  const schema = body.content?.["application/json"]?.schema;
  if (!schema) return null;
  if (typeof schema.$ref !== "string" || !schema.$ref.startsWith(COMPONENT_REF)) {
    throw new Error(`${path}: inline body schemas are not supported by the fidelity validator`);
  }
  return schema.$ref.slice(COMPONENT_REF.length);
}

type ConverterOptions = NonNullable<Parameters<typeof openapiSchemaToJsonSchema>[1]>;

/** The converter types its hooks for OpenAPI's schema object; ours read and rewrite any keyword of any node. */
function asHook<Hook>(transform: (node: Schema) => Schema): Hook {
  return transform as unknown as Hook;
}

/** OpenAPI 3.0 schema -> JSON Schema, fixing the spec's quirks on the way. */
function toJsonSchema(schema: Schema): Schema {
  const converted: Schema = openapiSchemaToJsonSchema(schema, {
    cloneSchema: false, // the parsed document is ours to rewrite
    beforeTransform: asHook<ConverterOptions["beforeTransform"]>((node) => {
      // `nullable: true` beside allOf/$ref/oneOf/anyOf cannot be expressed by widening `type`:
      // the composed schemas would still reject null.
      const { nullable, ...rest } = node;
      const composed = "allOf" in rest || "$ref" in rest || "oneOf" in rest || "anyOf" in rest;
      return nullable === true && composed ? { anyOf: [rest, { type: "null" }] } : node;
    }),
    afterTransform: asHook<ConverterOptions["afterTransform"]>((node) => {
      if (typeof node.$ref === "string") node.$ref = node.$ref.replace(COMPONENT_REF, `${RESPONSE_DOC}#/$defs/`);
      // OpenAPI 3.0 (draft-04) boolean exclusive bounds; JSON Schema 2020-12 wants numbers.
      for (const [exclusive, bound] of [
        ["exclusiveMinimum", "minimum"],
        ["exclusiveMaximum", "maximum"],
      ] as const) {
        if (node[exclusive] === true) {
          node[exclusive] = node[bound];
          delete node[bound];
        } else if (node[exclusive] === false) {
          delete node[exclusive];
        }
      }
      return node;
    }),
  });
  delete converted.$schema;
  return converted;
}

/**
 * Request-side copy of a schema that rejects properties the schema does not define.
 * `unevaluatedProperties: false` sits on the outermost schema of each object position, so
 * properties contributed by allOf/anyOf/oneOf members count as defined; those members (and
 * the components they reference) are "open": they do not close the object themselves.
 */
function strictRequestSchema(schema: Schema, open: boolean): Schema {
  const out: Schema = { ...schema };
  if (typeof out.$ref === "string") {
    out.$ref = out.$ref.replace(`${RESPONSE_DOC}#`, `${open ? REQUEST_OPEN_DOC : REQUEST_DOC}#`);
  }
  if (out.additionalProperties === true) delete out.additionalProperties;
  else if (isSchema(out.additionalProperties)) out.additionalProperties = strictRequestSchema(out.additionalProperties, false);
  if (isSchema(out.items)) out.items = strictRequestSchema(out.items, false);
  if (isSchema(out.properties)) {
    out.properties = Object.fromEntries(Object.entries(out.properties).map(([name, property]) => [name, strictRequestSchema(property as Schema, false)]));
  }
  for (const keyword of ["allOf", "anyOf", "oneOf"] as const) {
    if (Array.isArray(out[keyword])) out[keyword] = out[keyword].map((member: Schema) => strictRequestSchema(member, true));
  }
  if (!open && ("properties" in out || "allOf" in out || "anyOf" in out || "oneOf" in out)) {
    out.unevaluatedProperties = false;
  }
  return out;
}

function isSchema(value: unknown): value is Schema {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Ajv errors -> "<side> <JSON pointer>: <message>", without the noise of nullable wrappers. */
function describe(side: FidelityViolation["side"], errors: ErrorObject[] | null | undefined): string[] {
  const all = errors ?? [];
  // A failed `anyOf: [X, {type: "null"}]` reports X's errors, "must be null" and "must match a
  // schema in anyOf"; only X's errors say what is wrong.
  const isNullBranch = (e: ErrorObject) => e.keyword === "type" && e.params.type === "null" && /\/anyOf\/1\/type$/.test(e.schemaPath);
  const wrapperKey = (e: ErrorObject) => `${e.instancePath} ${e.schemaPath.replace(/\/1\/type$/, "")}`;
  const failedWrappers = new Set(all.filter(isNullBranch).map(wrapperKey));
  const messages = all.filter((e) => !failedWrappers.has(wrapperKey(e))).map((e) => `${side} ${e.instancePath || "/"}: ${messageOf(e)}`);
  return [...new Set(messages)];
}

function messageOf(error: ErrorObject): string {
  switch (error.keyword) {
    case "unevaluatedProperties":
    case "additionalProperties": {
      const property = error.params.unevaluatedProperty ?? error.params.additionalProperty;
      return `must NOT have unknown property '${property}'`;
    }
    case "enum":
      return `${error.message}: ${(error.params.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    default:
      return error.message ?? error.keyword;
  }
}
