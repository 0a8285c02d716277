/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4), for checking what /metrics
 * serves: every line must be a HELP, a TYPE or a sample of a family declared before it; label values
 * use only the format's escapes; histograms have cumulative buckets ending in +Inf equal to _count.
 */

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help: string;
  samples: Sample[];
}

export interface Exposition {
  families: Map<string, Family>;
  /** Sum of the samples named `name` whose labels include `labels` (0 when there is none). */
  value(name: string, labels?: Record<string, string>): number;
  /** The samples named `name`. */
  samples(name: string): Sample[];
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
/** Prometheus reads values with Go's ParseFloat: NaN and Inf in any case (prom-client writes "Nan"). */
const VALUE = /^(?:[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?|[+-]?(?:inf|infinity)|nan)$/i;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** Parses the whole text; throws on the first line that breaks the format, naming it. */
export function parseExposition(text: string): Exposition {
  if (!text.endsWith("\n")) throw new Error("the exposition must end with a line feed");
  const families = new Map<string, Family>();
  const helps = new Map<string, string>();
  const lines = text.slice(0, -1).split("\n");
  lines.forEach((line, index) => {
    const fail = (why: string): never => {
      throw new Error(`line ${index + 1} (${JSON.stringify(line.slice(0, 120))}): ${why}`);
    };
    if (line === "") return;
    if (line.startsWith("#")) {
      const help = /^# HELP (\S+) (.*)$/.exec(line);
      const type = /^# TYPE (\S+) (\S+)$/.exec(line);
      if (help) {
        if (!METRIC_NAME.test(help[1]!)) fail("bad metric name");
        if (helps.has(help[1]!)) fail("second HELP for the family");
        helps.set(help[1]!, help[2]!);
      } else if (type) {
        if (!METRIC_NAME.test(type[1]!)) fail("bad metric name");
        if (!TYPES.has(type[2]!)) fail(`unknown type ${type[2]}`);
        if (families.has(type[1]!)) fail("second TYPE for the family");
        families.set(type[1]!, { name: type[1]!, type: type[2] as Family["type"], help: helps.get(type[1]!) ?? "", samples: [] });
      }
      return;
    }
    const sample = parseSample(line, fail);
    const family = familyOf(families, sample.name);
    if (!family) fail(`sample of a family without a TYPE line before it`);
    family!.samples.push(sample);
  });
  for (const family of families.values()) {
    if (!helps.has(family.name)) throw new Error(`${family.name} has no HELP`);
    if (family.type === "histogram") checkHistogram(family);
  }
  const all = [...families.values()].flatMap((family) => family.samples);
  return {
    families,
    samples: (name) => all.filter((sample) => sample.name === name),
    value: (name, labels = {}) =>
      all.filter((sample) => sample.name === name && Object.entries(labels).every(([key, value]) => sample.labels[key] === value)).reduce((sum, sample) => sum + sample.value, 0),
  };
}

function parseSample(line: string, fail: (why: string) => never): Sample {
  const nameMatch = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
  if (!nameMatch) fail("not a sample line");
  const name = nameMatch![0];
  let rest = line.slice(name.length);
  const labels: Record<string, string> = {};
  if (rest.startsWith("{")) {
    let i = 1;
    while (rest[i] !== "}") {
      const labelMatch = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(rest.slice(i));
      if (!labelMatch || !LABEL_NAME.test(labelMatch[0])) fail("bad label name");
      const label = labelMatch![0];
      i += label.length;
      if (rest.slice(i, i + 2) !== '="') fail(`label ${label} without ="`);
      i += 2;
      let value = "";
      for (;;) {
        const ch = rest[i];
        if (ch === undefined) fail("unterminated label value");
        if (ch === '"') break;
        if (ch === "\n") fail("raw line feed in a label value");
        if (ch === "\\") {
          const next = rest[i + 1];
          if (next === "\\") value += "\\";
          else if (next === '"') value += '"';
          else if (next === "n") value += "\n";
          else fail(`bad escape \\${next}`);
          i += 2;
          continue;
        }
        value += ch;
        i += 1;
      }
      i += 1;
      if (label in labels) fail(`label ${label} twice`);
      labels[label] = value;
      if (rest[i] === ",") i += 1;
      else if (rest[i] !== "}") fail("labels not separated by commas");
    }
    rest = rest.slice(i + 1);
  }
  const parts = rest.split(" ");
  if (parts[0] !== "" || parts.length < 2 || parts.length > 3) fail("expected one space, the value, and an optional timestamp");
  if (!VALUE.test(parts[1]!)) fail(`bad value ${parts[1]}`);
  if (parts[2] !== undefined && !/^-?\d+$/.test(parts[2])) fail(`bad timestamp ${parts[2]}`);
  const text = parts[1]!.toLowerCase().replace(/^\+/, "");
  const value = text === "nan" ? NaN : text.endsWith("inf") || text.endsWith("infinity") ? (text.startsWith("-") ? -Infinity : Infinity) : Number(text);
  return { name, labels, value };
}

function familyOf(families: Map<string, Family>, sampleName: string): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  for (const suffix of ["_bucket", "_sum", "_count"]) {
    if (!sampleName.endsWith(suffix)) continue;
    const family = families.get(sampleName.slice(0, -suffix.length));
    if (family && (family.type === "histogram" || (family.type === "summary" && suffix !== "_bucket"))) return family;
  }
  return undefined;
}

/** Buckets cumulative, ending with le="+Inf" equal to _count, per label set. */
function checkHistogram(family: Family): void {
  const series = new Map<string, { buckets: Array<[number, number]>; count?: number; sum?: number }>();
  const keyOf = (labels: Record<string, string>) =>
    JSON.stringify(
      Object.entries(labels)
        .filter(([key]) => key !== "le")
        .sort(),
    );
  for (const sample of family.samples) {
    const key = keyOf(sample.labels);
    const entry = series.get(key) ?? { buckets: [] };
    series.set(key, entry);
    if (sample.name.endsWith("_bucket")) {
      const le = sample.labels.le;
      if (le === undefined) throw new Error(`${family.name}: bucket without le`);
      entry.buckets.push([le === "+Inf" ? Infinity : Number(le), sample.value]);
    } else if (sample.name.endsWith("_count")) entry.count = sample.value;
    else if (sample.name.endsWith("_sum")) entry.sum = sample.value;
  }
  for (const [key, entry] of series) {
    const what = `${family.name}${key}`;
    if (entry.count === undefined || entry.sum === undefined) throw new Error(`${what}: _count or _sum missing`);
    const sorted = [...entry.buckets].sort((a, b) => a[0] - b[0]);
    if (sorted.at(-1)?.[0] !== Infinity) throw new Error(`${what}: no +Inf bucket`);
    sorted.forEach(([, count], i) => {
      if (i > 0 && count < sorted[i - 1]![1]) throw new Error(`${what}: buckets are not cumulative`);
    });
    if (sorted.at(-1)![1] !== entry.count) throw new Error(`${what}: +Inf bucket differs from _count`);
  }
}

/** GET /metrics of a gateway, parsed (the parse fails the test if the format is broken). */
export async function scrape(baseUrl: string): Promise<{ text: string; contentType: string | null; metrics: Exposition }> {
  const response = await fetch(`${baseUrl}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics answered ${response.status}`);
  const text = await response.text();
  return { text, contentType: response.headers.get("content-type"), metrics: parseExposition(text) };
}
