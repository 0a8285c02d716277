import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { createWriteStream, readdirSync, readFileSync, type WriteStream } from "node:fs";
import net from "node:net";
import path from "node:path";

/** Whether `taskset` can pin processes here; without it everything runs unpinned and results say so. */
export const tasksetAvailable = spawnSync("taskset", ["-V"], { stdio: "ignore" }).status === 0;

/** Pins every thread of this process to one core (children inherit it). */
export function pinSelf(core: number): boolean {
  if (!tasksetAvailable) return false;
  return spawnSync("taskset", ["-a", "-pc", String(core), String(process.pid)], { stdio: "ignore" }).status === 0;
}

const CLOCK_TICKS = Number(spawnSync("getconf", ["CLK_TCK"]).stdout?.toString().trim()) || 100;

export interface Proc {
  name: string;
  pid: number;
  child: ChildProcess;
  logPath: string;
  /** Bytes of output written to the log so far. */
  logBytes(): number;
  /** The last part of what the process printed (for error messages). */
  tail(): string;
  /** Resolves with the first match of the pattern in the output. */
  waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited: Promise<number | null>;
  stop(graceMs?: number): Promise<void>;
}

export interface SpawnOptions {
  name: string;
  /** Core to pin to (0: the system under test, 1: load and clients); unpinned without taskset. */
  core: 0 | 1;
  command: string;
  args: string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  logDir: string;
  /** An IPC channel (advanced serialization), for the bench's own agents. */
  ipc?: boolean;
}

const running = new Set<Proc>();

export function spawnProc(options: SpawnOptions): Proc {
  const [command, args] = tasksetAvailable ? ["taskset", ["-c", String(options.core), options.command, ...options.args]] : [options.command, options.args];
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: options.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
    serialization: options.ipc ? "advanced" : "json",
  });
  const logPath = path.join(options.logDir, `${options.name}.log`);
  const file: WriteStream = createWriteStream(logPath, { flags: "a" });
  let written = 0;
  let tail = "";
  const watchers = new Set<() => void>();
  const record = (chunk: Buffer) => {
    written += chunk.length;
    file.write(chunk);
    tail = (tail + chunk.toString("utf8")).slice(-16_384);
    for (const watcher of [...watchers]) watcher();
  };
  child.stdout!.on("data", record);
  child.stderr!.on("data", record);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  let stopping: Promise<void> | null = null;
  const proc: Proc = {
    name: options.name,
    pid: child.pid!,
    child,
    logPath,
    logBytes: () => written,
    tail: () => tail,
    waitForOutput(pattern, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(tail);
          if (!match) return;
          done();
          resolve(match);
        };
        const timer = setTimeout(() => {
          done();
          reject(new Error(`${options.name} printed nothing matching ${pattern} within ${timeoutMs} ms:\n${tail.slice(-3000)}`));
        }, timeoutMs);
        const onExit = (code: number | null) => {
          done();
          reject(new Error(`${options.name} exited with ${code} before printing ${pattern}:\n${tail.slice(-3000)}`));
        };
        const done = () => {
          clearTimeout(timer);
          watchers.delete(check);
          child.off("exit", onExit);
        };
        watchers.add(check);
        child.once("exit", onExit);
        check();
      });
    },
    exited,
    stop(graceMs = 10_000) {
      stopping ??= (async () => {
        if (child.exitCode === null && child.signalCode === null) {
          child.kill("SIGTERM");
          const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
          await exited;
          clearTimeout(timer);
        }
        running.delete(proc);
        await new Promise<void>((resolve) => file.end(resolve));
      })();
      return stopping;
    },
  };
  running.add(proc);
  void exited.then(() => running.delete(proc));
  return proc;
}

/** Stops every process the bench started and that is still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((proc) => proc.stop(5_000)));
}

/** Last resort on exit: whatever still runs is killed at once (the exit handler cannot wait). */
export function killAllNow(): void {
  for (const proc of running) {
    if (proc.child.exitCode === null && proc.child.signalCode === null) proc.child.kill("SIGKILL");
  }
}

/** A port of 127.0.0.1 that was free a moment ago (the process given it checks by listening). */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, "127.0.0.1", resolve);
  });
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

interface ProcStat {
  pid: number;
  ppid: number;
  ticks: number;
}

function readStat(pid: number): ProcStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: fields are counted after its last ")".
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { pid, ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) };
  } catch {
    return null;
  }
}

/** The process and all its descendants (a gateway that forks workers counts with them). */
function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(Number(entry));
    if (!stat) continue;
    const list = children.get(stat.ppid) ?? [];
    list.push(stat.pid);
    children.set(stat.ppid, list);
  }
  const tree: number[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    tree.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return tree;
}

/** User + system CPU seconds used so far by the processes and their descendants. */
export function cpuSeconds(roots: readonly number[]): number {
  let ticks = 0;
  for (const root of roots) for (const pid of processTree(root)) ticks += readStat(pid)?.ticks ?? 0;
  return ticks / CLOCK_TICKS;
}

/** Resident memory of the process and its descendants, in bytes. */
export function rssBytes(root: number): number {
  let total = 0;
  for (const pid of processTree(root)) {
    try {
      const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
      if (match) total += Number(match[1]) * 1024;
    } catch {
      // gone meanwhile
    }
  }
  return total;
}

/** Runs a command to completion (inherits nothing but the environment given); rejects with its output on failure. */
export function runCommand(command: string, args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs: number }): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    const timer = setTimeout(() => child.kill("SIGKILL"), options.timeoutMs);
    child.once("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(output);
      else reject(new Error(`${command} ${args.join(" ")} failed (${code}):\n${output.slice(-4000)}`));
    });
  });
}
