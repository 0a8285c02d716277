import { existsSync, readdirSync, readFileSync } from "node:fs";
import path from "node:path";

interface CpuProfile {
  nodes: Array<{ id: number; callFrame: { functionName: string; url: string } }>;
  samples: number[];
  timeDeltas: number[];
}

/** Where a function's code comes from: a package, a folder of the gateway, Node itself, or V8 (GC, program). */
function category(functionName: string, url: string): string | null {
  if (functionName === "(idle)" || functionName === "(root)") return null;
  if (functionName.startsWith("(")) return functionName === "(garbage collector)" ? "GC" : functionName;
  const packageAt = url.lastIndexOf("/node_modules/");
  if (packageAt >= 0) {
    const [scope, name] = url.slice(packageAt + "/node_modules/".length).split("/");
    return scope!.startsWith("@") ? `${scope}/${name}` : scope!;
  }
  if (url.startsWith("node:"))
    return `node:${
      url
        .slice(5)
        .replace(/^internal\//, "")
        .split("/")[0]
    }`;
  const gateway = /\/dist\/([^/]+)\//.exec(url);
  if (gateway) return `gateway ${gateway[1]}/`;
  return url ? "other" : "(native)";
}

/** Self time by origin over a process's .cpuprofile files, in percent of the time not idle: "GC 21%, pg 12%, …". */
export function summarizeProfiles(dir: string, top = 8): string | null {
  if (!existsSync(dir)) return null;
  const totals = new Map<string, number>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith(".cpuprofile"))) {
    const profile = JSON.parse(readFileSync(path.join(dir, file), "utf8")) as CpuProfile;
    const byId = new Map(profile.nodes.map((node) => [node.id, category(node.callFrame.functionName, node.callFrame.url)]));
    profile.samples.forEach((id, index) => {
      const name = byId.get(id);
      if (name) totals.set(name, (totals.get(name) ?? 0) + (profile.timeDeltas[index] ?? 0));
    });
  }
  const busy = [...totals.values()].reduce((a, b) => a + b, 0);
  if (busy === 0) return null;
  return [...totals.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([name, time]) => `${name} ${((time / busy) * 100).toFixed(0)}%`)
    .join(", ");
}
