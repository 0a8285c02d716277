/** `npm run build:browser`: writes the browser pages' bundles to dist/browser, where the gateway serves them from. */
import path from "node:path";
import { BROWSER_BUNDLES_DIR } from "../src/http/page-assets.js";
import { bundleBrowserPages } from "./browser-bundles.js";

const files = await bundleBrowserPages();
console.log(`Browser bundles in ${path.relative(process.cwd(), BROWSER_BUNDLES_DIR) || "."}: ${files.join(", ")}`);
