/**
 * vitest globalSetup: every gateway a test starts serves the browser pages, whose scripts and
 * stylesheet are bundles of src/browser; they are built once before the run, as `npm run build:browser` does.
 */
import { bundleBrowserPages } from "../../scripts/browser-bundles.js";

export default async function setup(): Promise<void> {
  await bundleBrowserPages();
}
