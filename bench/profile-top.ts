import { readFileSync } from 'node:fs';
import { selfTime, type CpuProfile } from './measure/self-time';

/**
 * `npx tsx bench/profile-top.ts <file.cpuprofile>… [count]`: the functions with the most
 * self time in V8 CPU profiles (those `npm run bench -- --profile` and
 * `npm run bench:latency -- --profile-clients` write, or any from node --cpu-prof), and the
 * same time grouped by who owns the code, so a slow path can be named without opening
 * DevTools. Several files are summed, as the windows of one system's rounds and processes.
 */

function main(): void {
  const args = process.argv.slice(2);
  const last = args.at(-1);
  const count = last !== undefined && /^\d+$/.test(last) ? Number(args.pop()) : 15;
  if (args.length === 0) {
    console.error('usage: npx tsx bench/profile-top.ts <file.cpuprofile>… [count]');
    process.exit(2);
  }
  const profiles = args.map((file) => JSON.parse(readFileSync(file, 'utf8')) as CpuProfile);
  const { totalUs, busyUs, byFunction, byArea } = selfTime(profiles, process.cwd());
  const share = (us: number): string => ((100 * us) / busyUs).toFixed(1).padStart(5);
  const files = profiles.length === 1 ? '' : ` over ${profiles.length} profiles`;
  console.log(
    `profile ${(totalUs / 1e6).toFixed(1)} s, busy ${(busyUs / 1e6).toFixed(1)} s${files}; self time as % of busy:`,
  );
  for (const { name, location, us } of byFunction.slice(0, count)) {
    console.log(`${share(us)} %  ${(us / 1000).toFixed(0).padStart(7)} ms  ${name}  ${location}`);
  }
  console.log('\nby area:');
  for (const [area, us] of byArea.slice(0, 12)) console.log(`${share(us)} %  ${area}`);
}

main();
