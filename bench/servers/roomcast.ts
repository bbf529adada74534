import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGateway, loadConfig, type Gateway } from '@roomcast/server';
import { childProcessSetup, collectGarbage, failStartup, reply } from '../lib/child-side';
import type { ServerRequest } from '../lib/protocol';
import { monotonicMs } from '../lib/telemetry';

/**
 * The system under test: the real gateway, built from its sources, in a process of its
 * own. BENCH_GATEWAY_ENV (JSON) holds the variables the scenario sets (broker, throttle,
 * store); the rest are the bench's fixed choices below.
 */

const dataDir = mkdtempSync(join(tmpdir(), 'roomcast-bench-'));
let gateway: Gateway | null = null;

function numericFields(prefix: string, record: object): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [key, value] of Object.entries(record)) if (typeof value === 'number') out[`${prefix}.${key}`] = value;
  return out;
}

async function close(): Promise<void> {
  await gateway?.stop();
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

childProcessSetup<ServerRequest>(async (request) => {
  switch (request.type) {
    case 'gc':
      collectGarbage();
      return;
    case 'counters': {
      if (gateway === null) throw new Error('gateway not started');
      reply({
        type: 'counters',
        counters: {
          ...numericFields('ingest', gateway.ingest.counters()),
          ...numericFields('store', gateway.store.health()),
          clients: gateway.io.engine.clientsCount,
        },
        at: monotonicMs(),
      });
      return;
    }
    case 'close':
      await close();
      return;
    default:
      throw new Error(`the roomcast server does not take '${request.type}'`);
  }
});

async function main(): Promise<void> {
  const scenarioEnv = JSON.parse(process.env.BENCH_GATEWAY_ENV ?? '{}') as Record<string, string>;
  const config = loadConfig({
    NODE_ENV: 'production',
    LOG_LEVEL: 'error',
    HOST: '127.0.0.1',
    PORT: '0',
    MQTT_EMBEDDED_PORT: '0',
    DATA_DIR: dataDir,
    // Bench clients subscribe once each; the limits for abusive clients do not apply here.
    SOCKET_MAX_ROOMS: '1000',
    ...scenarioEnv,
  });
  gateway = await createGateway(config);
  const { port } = await gateway.start();
  await gateway.mqtt.whenConnected();
  reply({ type: 'ready', pid: process.pid, port, mqttUrl: gateway.mqtt.embeddedUrl ?? config.mqtt.url ?? '' });
}

main().catch((error: unknown) => failStartup(error, () => rmSync(dataDir, { recursive: true, force: true })));
