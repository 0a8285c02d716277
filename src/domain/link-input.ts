import { BadInputError } from "./errors.js";
import { LINK_LANGUAGES, PLAID_COUNTRY_CODES, PLAID_PRODUCTS } from "./plaid-vocabulary.js";

export interface NewLinkTokenInput {
  products: readonly string[];
  countryCodes?: readonly string[] | null;
  language?: string | null;
  redirectUri?: string | null;
  linkCustomizationName?: string | null;
}

export interface CheckedNewLinkTokenInput {
  products: string[];
  countryCodes: string[];
  language: string;
  redirectUri: string | null;
  linkCustomizationName: string | null;
}

const bad = (argument: string, message: string) => new BadInputError(message, { argument });

/** Plaid products for a new Item: at least one, each known to Plaid, no repeats, never `balance`. */
export function checkProducts(products: readonly string[], argument = "products"): string[] {
  if (products.length === 0) throw bad(argument, `${argument} must name at least one Plaid product`);
  const seen = new Set<string>();
  for (const product of products) {
    if (!PLAID_PRODUCTS.includes(product)) throw bad(argument, `${argument}: "${truncate(product)}" is not a Plaid product`);
    if (product === "balance") throw bad(argument, `${argument}: "balance" cannot be initialized in Link; it comes with any product that returns accounts`);
    if (seen.has(product)) throw bad(argument, `${argument}: "${product}" is listed twice`);
    seen.add(product);
  }
  return [...seen];
}

export function checkCountryCodes(codes: readonly string[], argument = "countryCodes"): string[] {
  if (codes.length === 0) throw bad(argument, `${argument} must contain at least one country code`);
  const upper = codes.map((code) => code.toUpperCase());
  for (const code of upper) {
    if (!PLAID_COUNTRY_CODES.includes(code)) throw bad(argument, `${argument}: "${truncate(code)}" is not a country Plaid supports (${PLAID_COUNTRY_CODES.join(", ")})`);
  }
  return [...new Set(upper)];
}

export function checkLanguage(language: string): string {
  if (!LINK_LANGUAGES.includes(language)) throw bad("language", `language: "${truncate(language)}" is not a Link language (${LINK_LANGUAGES.join(", ")})`);
  return language;
}

/** OAuth redirect URI: absolute, no query string, https in production. */
export function checkRedirectUri(uri: string, production: boolean): string {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw bad("redirectUri", "redirectUri must be an absolute URL");
  }
  if (url.search) throw bad("redirectUri", "redirectUri must not contain a query string");
  if (url.protocol !== "https:" && (production || url.protocol !== "http:")) {
    throw bad("redirectUri", production ? "redirectUri must use https in production" : "redirectUri must use http or https");
  }
  return uri;
}

export function checkLinkCustomizationName(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,64}$/.test(name)) throw bad("linkCustomizationName", "linkCustomizationName must be 1-64 letters, digits, - or _");
  return name;
}

export function checkNewLinkTokenInput(input: NewLinkTokenInput, production: boolean): CheckedNewLinkTokenInput {
  return {
    products: checkProducts(input.products),
    countryCodes: checkCountryCodes(input.countryCodes ?? ["US"]),
    language: checkLanguage(input.language ?? "en"),
    redirectUri: input.redirectUri ? checkRedirectUri(input.redirectUri, production) : null,
    linkCustomizationName: input.linkCustomizationName ? checkLinkCustomizationName(input.linkCustomizationName) : null,
  };
}

/** Echoes at most a short, printable part of what the caller sent. */
export function truncate(value: string): string {
  const printable = value.replace(/[^\x20-\x7e]/g, "?");
  return printable.length > 40 ? `${printable.slice(0, 40)}…` : printable;
}
