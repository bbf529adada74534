import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * CPU and memory of another process, read from /proc (Linux only) rather than through a
 * package: utime + stime from /proc/<pid>/stat, VmRSS from /proc/<pid>/status.
 */

let ticksPerSecond: number | null = null;

/** USER_HZ; 100 on every mainstream Linux, asked of getconf once to be sure. */
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** CPU seconds (user + system) the process has used so far, or null once it is gone. */
export function cpuSeconds(pid: number): number | null {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // The command name (field 2) may hold spaces and parentheses; fields are counted after its last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime are fields 14 and 15 of the whole line, so 12 and 13 after the name.
  const utime = Number(fields[11]);
  const stime = Number(fields[12]);
  return (utime + stime) / clockTicks();
}

/** Resident set size in KiB, or null once the process is gone. */
export function rssKb(pid: number): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match?.[1] === undefined ? null : Number(match[1]);
  } catch {
    return null;
  }
}

interface MachineTicks {
  busy: number;
  softirq: number;
  steal: number;
}

/** Whole-machine CPU ticks from the first line of /proc/stat (all cores summed). */
function machineTicks(): MachineTicks | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    // cpu user nice system idle iowait irq softirq steal …; guest time is already inside user.
    const field = line.trim().split(/\s+/).slice(1, 9).map(Number);
    const at = (i: number): number => field[i] ?? 0;
    return { busy: at(0) + at(1) + at(2) + at(5) + at(6), softirq: at(5) + at(6), steal: at(7) };
  } catch {
    return null;
  }
}

/**
 * The whole machine over a window, in % of one core like the per-process figures (so a
 * 2-core machine tops out at 200). `busy` minus the bench's own processes is load from
 * elsewhere (other programs, kernel network work not charged to a process); `steal` is
 * time the hypervisor gave to other guests.
 */
export interface MachineUsage {
  busyPercent: number;
  softirqPercent: number;
  stealPercent: number;
}

export interface ProcessUsage {
  /** Average CPU over the window, in % of one core (200 % = both cores of a 2-core machine). */
  cpuPercent: number;
  /** The largest RSS sampled during the window, MiB. */
  rssMaxMb: number;
  /** RSS at the end of the window, MiB. */
  rssEndMb: number;
}

/**
 * Watches a set of processes over a measurement window: CPU from the difference of
 * cumulative CPU time over wall time, RSS sampled every `sampleMs` for its maximum.
 */
export class UsageWindow {
  private readonly startCpu = new Map<number, number>();
  private readonly maxRss = new Map<number, number>();
  private readonly startedAt = performance.now();
  private readonly startMachine = machineTicks();
  private readonly timer: NodeJS.Timeout;
  private machineUsage: MachineUsage | null = null;

  constructor(
    private readonly pids: readonly number[],
    sampleMs = 500,
  ) {
    for (const pid of pids) {
      this.startCpu.set(pid, cpuSeconds(pid) ?? 0);
      this.maxRss.set(pid, rssKb(pid) ?? 0);
    }
    this.timer = setInterval(() => this.sample(), sampleMs);
    this.timer.unref();
  }

  private sample(): void {
    for (const pid of this.pids) {
      const rss = rssKb(pid);
      if (rss !== null && rss > (this.maxRss.get(pid) ?? 0)) this.maxRss.set(pid, rss);
    }
  }

  /** The machine over the window, once `stop` has been called. */
  get machine(): MachineUsage | null {
    return this.machineUsage;
  }

  /** Ends the window; one entry per pid, in the order given. */
  stop(): ProcessUsage[] {
    clearInterval(this.timer);
    this.sample();
    const seconds = (performance.now() - this.startedAt) / 1000;
    const endMachine = machineTicks();
    const startMachine = this.startMachine;
    if (startMachine !== null && endMachine !== null && seconds > 0) {
      // Ticks are summed over all cores, so this is "% of one core" like the process figures.
      const share = (key: keyof MachineTicks): number =>
        (100 * (endMachine[key] - startMachine[key])) / clockTicks() / seconds;
      this.machineUsage = {
        busyPercent: share('busy'),
        softirqPercent: share('softirq'),
        stealPercent: share('steal'),
      };
    }
    return this.pids.map((pid) => {
      const used = (cpuSeconds(pid) ?? 0) - (this.startCpu.get(pid) ?? 0);
      return {
        cpuPercent: seconds > 0 ? (100 * used) / seconds : 0,
        rssMaxMb: (this.maxRss.get(pid) ?? 0) / 1024,
        rssEndMb: (rssKb(pid) ?? 0) / 1024,
      };
    });
  }
}

/** Sums the CPU of several processes (the client processes of one phase, say). */
export function totalCpu(usages: readonly ProcessUsage[]): number {
  return usages.reduce((sum, usage) => sum + usage.cpuPercent, 0);
}
