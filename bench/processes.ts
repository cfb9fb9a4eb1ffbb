import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';

/** A simulator running in its own process, so its CPU and memory are not the engine's. */
export type SimulatorProcess = {
  /** The first URL the simulator printed once listening. */
  url: string;
  pid: number;
  /** Peak resident memory so far (MiB), from /proc; undefined off Linux. */
  peakRssMiB(): number | undefined;
  /** CPU time used so far (user + system seconds), from /proc; undefined off Linux. */
  cpuSeconds(): number | undefined;
  stop(): Promise<void>;
};

/**
 * Starts `node [nodeFlags] dist/sim.js <args>` and waits for the line carrying its URL. Its stderr is kept so
 * a simulator that fails to start says why.
 */
export async function startSimulatorProcess(simBundle: string, args: readonly string[], nodeFlags: readonly string[] = [], startupTimeoutMs = 60_000): Promise<SimulatorProcess> {
  const child = spawn(process.execPath, [...nodeFlags, simBundle, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr = (stderr + chunk).slice(-4000);
  });
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`The simulator (${args.join(' ')}) printed no URL within ${startupTimeoutMs / 1000} s.${stderr ? `\n${stderr}` : ''}`));
    }, startupTimeoutMs);
    const lines = createInterface({ input: child.stdout });
    lines.on('line', (line) => {
      const found = /https?:\/\/\S+/.exec(line)?.[0];
      if (!found) return;
      clearTimeout(timer);
      lines.close();
      resolve(found);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`The simulator (${args.join(' ')}) exited with code ${code ?? 'null'} before listening.${stderr ? `\n${stderr}` : ''}`));
    });
  });
  child.stdout.resume();
  const pid = child.pid ?? 0;
  return {
    url,
    pid,
    peakRssMiB: () => procStatusMiB(pid, 'VmHWM'),
    cpuSeconds: () => procCpuSeconds(pid),
    stop: () => stopChild(child),
  };
}

/** SIGTERM, then SIGKILL if the process is still there after a grace period. */
export async function stopChild(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

/** A `/proc/<pid>/status` memory field (VmHWM = peak RSS, VmRSS = current) in MiB; undefined off Linux or once the process is gone. */
export function procStatusMiB(pid: number, field: 'VmHWM' | 'VmRSS'): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** User + system CPU seconds of a process from `/proc/<pid>/stat` (clock ticks of 1/100 s on Linux). */
export function procCpuSeconds(pid: number): number | undefined {
  return statCpuSeconds(`/proc/${String(pid)}/stat`);
}

/**
 * User + system CPU seconds of this process's main thread, the one JavaScript runs on; the rest of
 * the process's CPU is V8's helper threads (concurrent marking, parallel scavenges, compilation)
 * and libuv's pool. Undefined off Linux.
 */
export function mainThreadCpuSeconds(): number | undefined {
  return statCpuSeconds(`/proc/self/task/${String(process.pid)}/stat`);
}

function statCpuSeconds(path: string): number | undefined {
  try {
    const stat = readFileSync(path, 'utf8');
    // Fields after the command name (which may contain spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return undefined;
  }
}
