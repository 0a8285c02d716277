/**
 * Fails, naming each one, when a production dependency (direct or transitive, as package-lock.json
 * resolves it, which is what `npm ci` installs) declares an `engines.node` range that leaves out part
 * of a Node major this project's own `engines.node` allows. Such a package makes `npm ci` warn
 * EBADENGINE on that Node, and may not run there. Packages only the build, test and code-generation
 * tools use (`dev: true` in the lockfile) are not checked.
 *
 *   npm run check:engines
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";

const root = path.resolve(fileURLToPath(new URL(".", import.meta.url)), "..");

interface LockedPackage {
  version?: string;
  name?: string;
  dev?: boolean;
  optional?: boolean;
  link?: boolean;
  engines?: Record<string, string> | string[];
}

interface Lockfile {
  lockfileVersion: number;
  packages: Record<string, LockedPackage>;
}

/** The `engines.node` range a package declares, or null when it declares none (any Node will do). */
function nodeRange(pkg: LockedPackage): string | null {
  const engines = pkg.engines;
  if (!engines) return null;
  if (Array.isArray(engines)) {
    // The old array form: ["node >=0.10"].
    const entry = engines.find((e) => /^node\b/.test(e.trim()));
    return entry ? entry.trim().replace(/^node\s*/, "") || "*" : null;
  }
  return typeof engines.node === "string" ? engines.node : null;
}

/** Every major named in a range's bounds. */
function majorsNamed(range: semver.Range): number[] {
  return range.set.flatMap((comparators) => comparators.flatMap((c) => (c.semver instanceof semver.SemVer ? [c.semver.major] : [])));
}

/** The part of `range` that lies within Node `major`, or null when the range allows nothing there. */
function withinMajor(range: semver.Range, major: number): semver.Range | null {
  const window = `>=${major}.0.0 <${major + 1}.0.0-0`;
  // Alternatives that allow nothing in this major are left out: semver.subset() answers false for a
  // range with an empty alternative after a non-empty one.
  const alternatives = range.set
    .map((comparators) => [...comparators.map((c) => c.value), window].join(" ").trim())
    .filter((alternative) => semver.minVersion(alternative) !== null);
  return alternatives.length > 0 ? new semver.Range(alternatives.join(" || ")) : null;
}

/**
 * The Node majors the project allows that `dependency` does not fully allow. Majors are walked from the
 * lowest the project allows to one above the highest either range names; past that, both ranges are
 * open-ended or closed alike, so the last major stands for all later ones.
 */
function majorsLeftOut(project: semver.Range, dependency: semver.Range): string[] {
  const lowest = semver.minVersion(project)!.major;
  const highest = Math.max(lowest, ...majorsNamed(project), ...majorsNamed(dependency)) + 1;
  const leftOut: string[] = [];
  for (let major = lowest; major <= highest; major++) {
    const allowed = withinMajor(project, major);
    if (allowed && !semver.subset(allowed, dependency)) leftOut.push(major === highest ? `${major} and later` : `${major}`);
  }
  return leftOut;
}

async function main(): Promise<void> {
  const manifest = JSON.parse(await readFile(path.join(root, "package.json"), "utf8")) as { engines?: { node?: string } };
  const lockfile = JSON.parse(await readFile(path.join(root, "package-lock.json"), "utf8")) as Lockfile;
  const ownRange = manifest.engines?.node;
  if (!ownRange || !semver.validRange(ownRange)) throw new Error(`package.json: engines.node is missing or not a semver range (${JSON.stringify(ownRange)})`);
  if (!lockfile.packages || lockfile.lockfileVersion < 2) throw new Error("package-lock.json: lockfileVersion 2 or later is needed (run npm install)");
  const project = new semver.Range(ownRange);

  const problems: string[] = [];
  let checked = 0;
  for (const [location, pkg] of Object.entries(lockfile.packages)) {
    if (location === "" || pkg.dev || pkg.link) continue;
    checked++;
    const declared = nodeRange(pkg);
    if (declared === null) continue;
    const name = pkg.name ?? location.slice(location.lastIndexOf("node_modules/") + "node_modules/".length);
    const id = `${name}@${pkg.version ?? "?"}${pkg.optional ? " (optional)" : ""}`;
    if (!semver.validRange(declared)) {
      problems.push(`${id} declares engines.node ${JSON.stringify(declared)}, which is not a semver range (${location})`);
      continue;
    }
    const leftOut = majorsLeftOut(project, new semver.Range(declared));
    if (leftOut.length > 0) {
      problems.push(`${id} needs node ${JSON.stringify(declared)}: leaves out Node ${leftOut.join(", ")} (${location})`);
    }
  }

  if (problems.length > 0) {
    console.error(`Production dependencies whose engines.node does not cover this project's ${JSON.stringify(ownRange)}:`);
    for (const problem of problems) console.error(`  ${problem}`);
    process.exitCode = 1;
    return;
  }
  console.log(`engines: the ${checked} production packages all allow every Node this project allows (${ownRange}).`);
}

await main();
