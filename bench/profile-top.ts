import { readFileSync } from 'node:fs';
import { relative } from 'node:path';

/**
 * `npx tsx bench/profile-top.ts <file.cpuprofile> [count]`: the functions with the most
 * self time in a V8 CPU profile (those `npm run bench -- --profile` writes, or any from
 * node --cpu-prof), so a slow path can be named without opening DevTools.
 */

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function where(frame: ProfileNode['callFrame']): string {
  if (frame.url === '') return '';
  const path = frame.url.startsWith('file://') ? relative(process.cwd(), new URL(frame.url).pathname) : frame.url;
  return `${path}:${frame.lineNumber + 1}`;
}

function main(): void {
  const [file, countArg] = process.argv.slice(2);
  if (file === undefined) {
    console.error('usage: npx tsx bench/profile-top.ts <file.cpuprofile> [count]');
    process.exit(2);
  }
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<string, number>();
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[i] ?? 0;
    if (node === undefined) return;
    const key = `${node.callFrame.functionName || '(anonymous)'}\t${where(node.callFrame)}`;
    selfUs.set(key, (selfUs.get(key) ?? 0) + delta);
    totalUs += delta;
  });
  const idle = [...selfUs.entries()].filter(([key]) => key.startsWith('(idle)')).reduce((s, [, v]) => s + v, 0);
  const busy = totalUs - idle;
  const top = [...selfUs.entries()]
    .filter(([key]) => !key.startsWith('(idle)'))
    .sort((a, b) => b[1] - a[1])
    .slice(0, Number(countArg ?? 15));
  console.log(`profile ${(totalUs / 1e6).toFixed(1)} s, busy ${(busy / 1e6).toFixed(1)} s; self time as % of busy:`);
  for (const [key, us] of top) {
    const [name, location] = key.split('\t');
    console.log(
      `${((100 * us) / busy).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}  ${location}`,
    );
  }
  const areas = new Map<string, number>();
  for (const [key, us] of selfUs) {
    if (key.startsWith('(idle)')) continue;
    const area = areaOf(key.split('\t')[1] ?? '');
    areas.set(area, (areas.get(area) ?? 0) + us);
  }
  console.log('\nby area:');
  for (const [area, us] of [...areas.entries()].sort((a, b) => b[1] - a[1]).slice(0, 12)) {
    console.log(`${((100 * us) / busy).toFixed(1).padStart(5)} %  ${area}`);
  }
}

/** Groups a frame by who owns the code: a package, a workspace's sources, node itself, or native. */
function areaOf(location: string): string {
  if (location === '') return 'native (syscalls, GC, V8)';
  if (location.startsWith('node:')) return 'node core (JS)';
  const inPackage = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(location);
  if (inPackage?.[1] !== undefined) return inPackage[1];
  const workspace = /^(shared|server|client-sdk|simulators)\/src\//.exec(location) ?? /^(bench)\//.exec(location);
  return workspace?.[1] !== undefined ? `${workspace[1]} (this repo)` : location;
}

main();
