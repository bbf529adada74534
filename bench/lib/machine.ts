import { readFileSync } from 'node:fs';
import os from 'node:os';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  node: string;
  platform: string;
  kernel: string;
  memoryGb: number;
  /** Soft limit on open files, inherited by every bench process. */
  openFilesLimit: number | null;
  loadAverageAtStart: number[];
}

/** The soft "Max open files" limit of this process (the children inherit it). */
export function openFilesLimit(): number | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const match = /^Max open files\s+(\d+|unlimited)/m.exec(limits);
    if (match?.[1] === undefined) return null;
    return match[1] === 'unlimited' ? Number.POSITIVE_INFINITY : Number(match[1]);
  } catch {
    return null;
  }
}

export function machineInfo(): MachineInfo {
  const cpus = os.cpus();
  return {
    cores: cpus.length,
    cpuModel: cpus[0]?.model.trim() ?? 'unknown',
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    kernel: os.release(),
    memoryGb: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    openFilesLimit: openFilesLimit(),
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}
