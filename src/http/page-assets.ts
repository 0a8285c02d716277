import express, { type Request, type RequestHandler, type Response, type Router } from "express";
import { createHash } from "node:crypto";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { promisify } from "node:util";
import { gzip as gzipCallback } from "node:zlib";

const gzip = promisify(gzipCallback);

/** Where the pages' scripts, styles and icons are served from (same origin, never a CDN). */
export const ASSETS_PATH = "/assets";

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
 * this process: TypeScript string modules and files of installed packages, loaded on first use (the
 * GraphiQL bundle is several megabytes) and kept in memory, gzipped once for browsers that accept it.
 * Asset answers may be cached for a year: a changed file gets a new `v`.
 */
export class PageAssets {
  private readonly assets = new Map<string, AssetEntry>();

  /** Registers an asset under a plain file name (letters, digits, dot, dash). */
  add(name: string, contentType: string, load: () => string | Buffer | Promise<string | Buffer>): void {
    if (!/^[a-z0-9][a-z0-9.-]*$/.test(name)) throw new Error(`bad asset name ${name}`);
    this.assets.set(name, { contentType, load: async () => load() });
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

const require = createRequire(import.meta.url);

/** A file of an installed package, by its path inside the package (whether or not the package exports it). */
export async function packageFile(packageName: string, file: string): Promise<Buffer> {
  const root = path.dirname(require.resolve(`${packageName}/package.json`));
  return readFile(path.join(root, file));
}

/** Text for a <script type="application/json"> block: no "<" can close the element early. */
export function jsonForScriptElement(value: unknown): string {
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
