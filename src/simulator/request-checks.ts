import { timingSafeEqual } from "node:crypto";
import { invalidField, missingFields, plaidError, unknownFields, PlaidApiError } from "./errors.js";

/** A small subset of JSON Schema, enough to express Plaid's request schemas the way Plaid enforces them. */
export type FieldSchema =
  | { type: "string"; nullable?: boolean; minLength?: number; maxLength?: number; format?: "url" | "date" | "date-time"; enum?: readonly string[]; product?: boolean }
  | { type: "boolean"; nullable?: boolean }
  | { type: "integer"; nullable?: boolean; minimum?: number; maximum?: number }
  | { type: "array"; nullable?: boolean; minItems?: number; items: FieldSchema }
  | ObjectSchema
  | { type: "any" };

export interface ObjectSchema {
  type: "object";
  nullable?: boolean;
  properties?: Record<string, FieldSchema>;
  required?: readonly string[];
  /** Extra keys are allowed (the spec says additionalProperties, or the simulator does not interpret the object). */
  open?: boolean;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
const join = (path: string, key: string): string => (path ? `${path}.${key}` : key);

function collectUnknown(value: Json, schema: ObjectSchema, path: string, out: string[]): void {
  const props = schema.properties ?? {};
  for (const [key, child] of Object.entries(value)) {
    const childSchema = props[key];
    if (!childSchema) {
      if (!schema.open) out.push(join(path, key));
      continue;
    }
    if (childSchema.type === "object" && isObject(child)) collectUnknown(child, childSchema, join(path, key), out);
    if (childSchema.type === "array" && childSchema.items.type === "object" && Array.isArray(child)) {
      const itemSchema = childSchema.items;
      child.forEach((el, i) => isObject(el) && collectUnknown(el, itemSchema, `${join(path, key)}[${i}]`, out));
    }
  }
}

function collectMissing(value: Json, schema: ObjectSchema, path: string, out: string[]): void {
  for (const key of schema.required ?? []) {
    const v = value[key];
    const childSchema = schema.properties?.[key];
    const nullable = childSchema && "nullable" in childSchema && childSchema.nullable;
    if (v === undefined || (v === null && !nullable)) out.push(join(path, key));
  }
  for (const [key, childSchema] of Object.entries(schema.properties ?? {})) {
    const child = value[key];
    if (childSchema.type === "object" && isObject(child)) collectMissing(child, childSchema, join(path, key), out);
  }
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return url.protocol === "http:" || url.protocol === "https:";
  } catch {
    return false;
  }
}

const notRecognisedProducts = (values: string[]): PlaidApiError =>
  plaidError("INVALID_PRODUCT", { message: `the following products are not recognized: ${JSON.stringify(values)}` });

/** Checks a value's type and format; throws INVALID_FIELD (INVALID_PRODUCT for unknown product names). */
function checkValue(value: unknown, schema: FieldSchema, path: string): void {
  if (schema.type === "any") return;
  if (value === null) {
    if (schema.nullable) return;
    throw invalidField(`${path} must not be null`);
  }
  switch (schema.type) {
    case "string": {
      if (typeof value !== "string") throw invalidField(`${path} must be a string`);
      if (schema.minLength && value.length < schema.minLength) throw invalidField(`${path} must be a non-empty string`);
      if (schema.maxLength !== undefined && value.length > schema.maxLength) throw invalidField(`${path} must be at most ${schema.maxLength} characters long`);
      if (schema.enum && !schema.enum.includes(value)) {
        if (schema.product) throw notRecognisedProducts([value]);
        throw invalidField(`${path} must be one of: ${schema.enum.join(", ")}`);
      }
      if (schema.format === "url" && !isHttpUrl(value)) throw invalidField(`${path} must be a valid URL`);
      if (schema.format === "date" && !DATE.test(value)) throw invalidField(`${path} must be a date in the format YYYY-MM-DD`);
      if (schema.format === "date-time" && !DATE_TIME.test(value)) throw invalidField(`${path} must be an RFC 3339 date-time`);
      return;
    }
    case "boolean":
      if (typeof value !== "boolean") throw invalidField(`${path} must be a boolean`);
      return;
    case "integer":
      if (typeof value !== "number" || !Number.isInteger(value)) throw invalidField(`${path} must be an integer`);
      if (schema.minimum !== undefined && value < schema.minimum) throw invalidField(`${path} must be at least ${schema.minimum}`);
      if (schema.maximum !== undefined && value > schema.maximum) throw invalidField(`${path} must be at most ${schema.maximum}`);
      return;
    case "array": {
      if (!Array.isArray(value)) throw invalidField(`${path} must be an array`);
      if (schema.minItems && value.length < schema.minItems) throw invalidField(`${path} must contain at least ${schema.minItems} item${schema.minItems > 1 ? "s" : ""}`);
      const items = schema.items;
      if (items.type === "string" && items.product) {
        const unknown = value.filter((v) => typeof v === "string" && !items.enum!.includes(v)) as string[];
        if (unknown.length > 0) throw notRecognisedProducts(unknown);
      }
      value.forEach((el, i) => checkValue(el, items, `${path}[${i}]`));
      return;
    }
    case "object": {
      if (!isObject(value)) throw invalidField(`${path} must be an object`);
      for (const [key, child] of Object.entries(value)) {
        const childSchema = schema.properties?.[key];
        if (childSchema && child !== undefined) checkValue(child, childSchema, join(path, key));
      }
      return;
    }
  }
}

/**
 * Validates a request body as Plaid does: unknown fields first (UNKNOWN_FIELDS), then missing required
 * fields (MISSING_FIELDS), then types and formats (INVALID_FIELD).
 */
export function checkRequestBody(body: Json, schema: ObjectSchema): void {
  const unknown: string[] = [];
  collectUnknown(body, schema, "", unknown);
  if (unknown.length > 0) throw unknownFields(unknown);
  const missing: string[] = [];
  collectMissing(body, schema, "", missing);
  if (missing.length > 0) throw missingFields(missing);
  for (const [key, value] of Object.entries(body)) {
    const fieldSchema = schema.properties?.[key];
    if (fieldSchema && value !== undefined) checkValue(value, fieldSchema, key);
  }
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function headerValue(headers: Record<string, string | string[] | undefined>, name: string): string | undefined {
  const value = headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

/** Accepts client_id/secret from the PLAID-CLIENT-ID/PLAID-SECRET headers or from the body; anything else is INVALID_API_KEYS. */
export function checkCredentials(headers: Record<string, string | string[] | undefined>, body: Json, expected: { clientId: string; secret: string }): void {
  const clientId = typeof body.client_id === "string" ? body.client_id : headerValue(headers, "PLAID-CLIENT-ID");
  const secret = typeof body.secret === "string" ? body.secret : headerValue(headers, "PLAID-SECRET");
  if (!clientId || !secret || !safeEqual(clientId, expected.clientId) || !safeEqual(secret, expected.secret)) {
    throw plaidError("INVALID_API_KEYS");
  }
}
