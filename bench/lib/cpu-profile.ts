import { Session } from 'node:inspector';
import { writeFileSync } from 'node:fs';

/**
 * A V8 CPU profile of part of a process's life, through the inspector, so a profile
 * covers the saturation ramp and not start-up, module loading and client connects
 * (which `node --cpu-prof` would include).
 */
let session: Session | null = null;

function post(method: string, params?: object): Promise<unknown> {
  return new Promise((resolve, reject) => {
    session?.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

export async function startProfile(): Promise<void> {
  if (session !== null) return;
  session = new Session();
  session.connect();
  await post('Profiler.enable');
  // 1 ms sampling keeps the overhead low at saturation; the default 1 µs-scale interval costs more.
  await post('Profiler.setSamplingInterval', { interval: 1000 });
  await post('Profiler.start');
}

export async function stopProfile(file: string): Promise<void> {
  if (session === null) throw new Error('no profile is running');
  const { profile } = (await post('Profiler.stop')) as { profile: unknown };
  writeFileSync(file, JSON.stringify(profile));
  session.disconnect();
  session = null;
}
