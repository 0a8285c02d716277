import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";

const gzip = promisify(gzipCallback);

/** Where the pages' scripts, styles and icons are served from (same origin, never a CDN). */
const ASSETS_PATH = "/assets";

/** The package's root: the nearest folder with a package.json above this module (src/http or dist/http alike). */
function packageRoot(): string {
  const here = fileURLToPath(new URL(".", import.meta.url));
  for (let dir = here; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) return path.resolve(here, "../..");
  }
}

/** Where `npm run build:browser` writes the browser pages' bundles (src/browser bundled by esbuild), whether the gateway runs from src/ or dist/. */
export const BROWSER_BUNDLES_DIR = path.join(packageRoot(), "dist", "browser");

/** A bundle that was never built: says which command builds it. */
function missingBundle(file: string, dir: string): Error {
  return new Error(`The browser bundle ${file} is missing from ${dir}: run \`npm run build:browser\` (\`npm run build\` runs it too)`);
}

interface LoadedAsset {
  body: Buffer;
  /** Short content hash: part of the asset's URL, so a changed file is a new URL. */
  version: string;
  gzipped?: Promise<Buffer>;
}

interface AssetEntry {
  contentType: string;
  load: () => Promise<string | Buffer>;
  loaded?: Promise<LoadedAsset>;
}

/**
 * The files the browser pages load, each served at /assets/<name>?v=<hash>. Everything comes from
 * this process: the pages' own bundles (dist/browser) and files of installed packages, loaded on first
 * use (the GraphiQL bundle is several megabytes) and kept in memory, gzipped once for browsers that
 * accept it. Asset answers may be cached for a year: a changed file gets a new `v`.
 */
export class PageAssets {
  private readonly assets = new Map<string, AssetEntry>();

  /** `bundlesDir`: where the browser bundles are (BROWSER_BUNDLES_DIR unless told otherwise). */
  constructor(private readonly bundlesDir = BROWSER_BUNDLES_DIR) {}

  /** Registers an asset under a plain file name (letters, digits, dot, dash). */
  add(name: string, contentType: string, load: () => string | Buffer | Promise<string | Buffer>): void {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) throw new Error(`bad asset name ${name}`);
    this.assets.set(name, { contentType, load: async () => load() });
  }

  /** Registers a browser bundle (`npm run build:browser`) under its file name; a bundle that is not built stops the start. */
  addBundle(name: string, contentType: string): void {
    const file = path.join(this.bundlesDir, name);
    if (!existsSync(file)) throw missingBundle(name, this.bundlesDir);
    this.add(name, contentType, () =>
      readFile(file).catch((error: NodeJS.ErrnoException) => {
        throw error.code === "ENOENT" ? missingBundle(name, this.bundlesDir) : error;
      }),
    );
  }

  /** The URL of a registered asset, with its content hash. */
  async url(name: string): Promise<string> {
    const asset = await this.loaded(name);
    return `${ASSETS_PATH}/${name}?v=${asset.version}`;
  }

  /** GET /assets/:name. */
  router(): Router {
    const router = express.Router();
    router.get(`${ASSETS_PATH}/:name`, (async (req: Request, res: Response, next) => {
      const name = String(req.params.name);
      const entry = this.assets.get(name);
      if (!entry) {
        next();
        return;
      }
      try {
        await this.send(entry, await this.loaded(name), req, res);
      } catch (error) {
        next(error);
      }
    }) as RequestHandler);
    return router;
  }

  private loaded(name: string): Promise<LoadedAsset> {
    const entry = this.assets.get(name);
    if (!entry) return Promise.reject(new Error(`unknown asset ${name}`));
    entry.loaded ??= entry.load().then((content) => {
      const body = typeof content === "string" ? Buffer.from(content, "utf8") : content;
      return { body, version: createHash("sha256").update(body).digest("hex").slice(0, 16) };
    });
    entry.loaded.catch(() => (entry.loaded = undefined));
    return entry.loaded;
  }

  private async send(entry: AssetEntry, asset: LoadedAsset, req: Request, res: Response): Promise<void> {
    const etag = `"${asset.version}"`;
    res.setHeader("content-type", entry.contentType);
    res.setHeader("cache-control", "public, max-age=31536000, immutable");
    res.setHeader("etag", etag);
    res.setHeader("vary", "accept-encoding");
    if (req.headers["if-none-match"] === etag) {
      res.status(304).end();
      return;
    }
    let body = asset.body;
    if (body.length > 1024 && /\bgzip\b/.test(String(req.headers["accept-encoding"] ?? ""))) {
      asset.gzipped ??= gzip(asset.body);
      body = await asset.gzipped;
      res.setHeader("content-encoding", "gzip");
    }
    res.setHeader("content-length", String(body.length));
    res.status(200).end(req.method === "HEAD" ? undefined : body);
  }
}

/** Text for a <script type="application/json"> block: no "<" can close the element early. */
function jsonForScriptElement(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

/** Escapes text for HTML content and attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

/** One of the gateway's pages: its head, its markup, its configuration as a JSON data block, and same-origin scripts. */
export interface PageDocument {
  title: string;
  iconUrl: string;
  stylesheetUrl: string;
  bodyClass?: string;
  /** The body's markup, escaped by the caller. */
  body: string;
  /** Read by the page's script from <script type="application/json" id="…">: no inline script runs. */
  config: { elementId: string; value: unknown };
  scriptUrls: readonly string[];
}

export function renderPageDocument(page: PageDocument): string {
  const scripts = page.scriptUrls.map((url) => `\n    <script src="${escapeHtml(url)}"></script>`).join("");
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(page.title)}</title>
    <link rel="icon" href="${escapeHtml(page.iconUrl)}" />
    <link rel="stylesheet" href="${escapeHtml(page.stylesheetUrl)}" />
  </head>
  <body${page.bodyClass ? ` class="${escapeHtml(page.bodyClass)}"` : ""}>
${page.body}
    <script type="application/json" id="${escapeHtml(page.config.elementId)}">${jsonForScriptElement(page.config.value)}</script>${scripts}
  </body>
</html>
`;
}

/**
 * Whether the request comes from a browser on this machine, addressed to this machine: a loopback
 * peer is not enough, since tunnels and proxies on this machine forward remote browsers from there
 * (they add forwarding headers or another Host), and DNS rebinding sends another Host too.
 */
export function fromLoopback(req: Request): boolean {
  const address = req.socket.remoteAddress ?? "";
  if (!(address === "::1" || /^(::ffff:)?127\./.test(address))) return false;
  if (req.headers.forwarded !== undefined || Object.keys(req.headers).some((name) => name.startsWith("x-forwarded-"))) return false;
  const host = (req.headers.host ?? "").toLowerCase();
  return /^(localhost|127\.\d{1,3}\.\d{1,3}\.\d{1,3}|\[::1\])(:\d{1,5})?$/.test(host);
}
