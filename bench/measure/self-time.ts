import { relative } from 'node:path';

/**
 * Self time out of V8 CPU profiles (`.cpuprofile`): per function and per owner of the code,
 * summed over any number of profiles, so the windows of several rounds or processes read
 * as one.
 */

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}

export interface CpuProfile {
  nodes: { id: number; callFrame: CallFrame }[];
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionTime {
  name: string;
  /** `path:line`, or '' for native frames (see locationOf). */
  location: string;
  us: number;
}

export interface SelfTime {
  /** Microseconds the profiles cover, idle included. */
  totalUs: number;
  /** Microseconds not idle. */
  busyUs: number;
  /** Busy self time per function, largest first. */
  byFunction: FunctionTime[];
  /** Busy self time per owner of the code (a package, a workspace, node, native), largest first. */
  byArea: [string, number][];
}

/** Where a frame's code is, relative to `root` for files: `path:line`, or '' for native frames. */
export function locationOf(frame: CallFrame, root: string): string {
  if (frame.url === '') return '';
  const path = frame.url.startsWith('file://') ? relative(root, new URL(frame.url).pathname) : frame.url;
  return `${path}:${frame.lineNumber + 1}`;
}

/** Groups a location by who owns the code: a package, a workspace's sources, node itself, or native. */
export function areaOf(location: string): string {
  if (location === '') return 'native (syscalls, GC, V8)';
  if (location.startsWith('node:')) return 'node core (JS)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (inPackage?.[1] !== undefined) return inPackage[1];
  const workspace = /^(shared|server|client-sdk|simulators)\/src\//.exec(location) ?? /^(bench)\//.exec(location);
  return workspace?.[1] !== undefined ? `${workspace[1]} (this repo)` : location;
}

function largestFirst(map: Map<string, number>): [string, number][] {
  return [...map.entries()].sort((a, b) => b[1] - a[1]);
}

export function selfTime(profiles: readonly CpuProfile[], root: string): SelfTime {
  const byFunction = new Map<string, FunctionTime>();
  let totalUs = 0;
  let idleUs = 0;
  for (const profile of profiles) {
    // Named once per node, not per sample; keyed by name and location, since the same
    // function has other node ids in other profiles.
    const nodes = new Map(
      profile.nodes.map(({ id, callFrame }) => {
        const name = callFrame.functionName || '(anonymous)';
        const location = locationOf(callFrame, root);
        return [id, { name, location, key: `${name}\t${location}` }];
      }),
    );
    profile.samples.forEach((id, i) => {
      const node = nodes.get(id);
      const delta = profile.timeDeltas[i] ?? 0;
      if (node === undefined) return;
      totalUs += delta;
      if (node.name === '(idle)') {
        idleUs += delta;
        return;
      }
      const entry = byFunction.get(node.key);
      if (entry === undefined) byFunction.set(node.key, { name: node.name, location: node.location, us: delta });
      else entry.us += delta;
    });
  }
  const byArea = new Map<string, number>();
  for (const { location, us } of byFunction.values()) {
    const area = areaOf(location);
    byArea.set(area, (byArea.get(area) ?? 0) + us);
  }
  return {
    totalUs,
    busyUs: totalUs - idleUs,
    byFunction: [...byFunction.values()].sort((a, b) => b.us - a.us),
    byArea: largestFirst(byArea),
  };
}
