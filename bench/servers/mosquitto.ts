import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { track } from '../lib/children';
import { freePort, waitForPort } from '../lib/free-port';

export const MOSQUITTO_BIN = process.env.BENCH_MOSQUITTO ?? '/usr/sbin/mosquitto';

export interface Mosquitto {
  pid: number;
  mqttUrl: string;
  /** ws:// URL of the websockets listener. */
  wsUrl: string;
  stop(): Promise<void>;
}

/**
 * A private Mosquitto on two fresh loopback ports (MQTT and websockets), never the system
 * one on 1883: anonymous, no persistence, and no inflight or queue limits so the broker
 * itself never throttles what the bench measures.
 */
export async function startMosquitto(): Promise<Mosquitto> {
  const dir = mkdtempSync(join(tmpdir(), 'roomcast-bench-mosquitto-'));
  const mqttPort = await freePort();
  const wsPort = await freePort();
  const config = [
    'per_listener_settings false',
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'max_inflight_messages 0',
    'max_queued_messages 0',
    `listener ${mqttPort} 127.0.0.1`,
    `listener ${wsPort} 127.0.0.1`,
    'protocol websockets',
    '',
  ].join('\n');
  const file = join(dir, 'mosquitto.conf');
  writeFileSync(file, config);
  const child = spawn(MOSQUITTO_BIN, ['-c', file], { stdio: ['ignore', 'ignore', 'inherit'] });
  track(child);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      Promise.all([waitForPort(mqttPort, 5_000), waitForPort(wsPort, 5_000)]),
      exited.then(() => {
        throw new Error(`mosquitto exited at start-up (config ${file})`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    pid: child.pid ?? 0,
    mqttUrl: `mqtt://127.0.0.1:${mqttPort}`,
    wsUrl: `ws://127.0.0.1:${wsPort}`,
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 3_000);
        await exited;
        clearTimeout(timer);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
