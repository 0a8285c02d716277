import { build } from "esbuild";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BROWSER_BUNDLES_DIR } from "../src/http/page-assets.js";

const root = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

/** The browser pages' sources, by the file each is served as (/assets/<name>). */
const ENTRY_POINTS = [
  { out: "dashboard", in: "src/browser/dashboard/main.ts" },
  { out: "dashboard", in: "src/browser/dashboard/dashboard.css" },
  { out: "graphiql-start", in: "src/browser/graphiql/main.ts" },
];

/**
 * Bundles the browser pages' scripts and stylesheet (src/browser) into `outdir` (default dist/browser,
 * where the gateway serves them from): one self-contained IIFE per page, npm imports included, for
 * browsers that run ES2020. A file is replaced only when its content changed, and by a rename, so a
 * gateway reading it never sees half a file. Resolves with the names of the files.
 */
export async function bundleBrowserPages(outdir = BROWSER_BUNDLES_DIR): Promise<string[]> {
  const result = await build({
    absWorkingDir: root,
    entryPoints: ENTRY_POINTS,
    outdir,
    bundle: true,
    format: "iife",
    platform: "browser",
    target: "es2020",
    minify: true,
    // .graphql files imported as text: GraphiQL's default tabs, comments and all.
    loader: { ".graphql": "text" },
    define: { "process.env.NODE_ENV": '"production"' },
    tsconfig: "src/browser/tsconfig.json",
    write: false,
    logLevel: "warning",
  });
  await mkdir(outdir, { recursive: true });
  return Promise.all(
    result.outputFiles.map(async (file) => {
      const current = await readFile(file.path).catch(() => null);
      if (!current?.equals(file.contents)) {
        const temporary = `${file.path}.${process.pid}.tmp`;
        await writeFile(temporary, file.contents);
        await rename(temporary, file.path);
      }
      return path.basename(file.path);
    }),
  );
}
