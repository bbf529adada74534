import type { ChildProcess } from 'node:child_process';
import jwt from 'jsonwebtoken';
import { forkTs, nextMessage, stopChild } from '../lib/children';
import { ClientGroup, type ClientGroupOptions } from '../lib/client-group';
import type { ClientKind, ReadyMessage } from '../lib/protocol';
import { startMosquitto } from '../servers/mosquitto';

/** The systems compared; each carries the same telemetry message to the same clients. */
export const SYSTEMS = [
  'roomcast-embedded',
  'roomcast-unbatched',
  'roomcast-mosquitto',
  'naive-bridge',
  'mosquitto-ws',
  'raw-ws',
  'roomcast-bare-clients',
] as const;
export type SystemName = (typeof SYSTEMS)[number];

/**
 * What a full run compares. `roomcast-bare-clients` (the gateway with clients that are bare
 * `ws` sockets speaking Socket.IO's protocol) runs only when asked for with --systems: it
 * explains a figure rather than stands for a choice a team would make.
 */
export const FULL_RUN_SYSTEMS: readonly SystemName[] = SYSTEMS.filter((name) => name !== 'roomcast-bare-clients');

export function isSystemName(value: string): value is SystemName {
  return (SYSTEMS as readonly string[]).includes(value);
}

const JWT_SECRET = 'bench-secret-that-is-long-enough-for-hs256-000000';

export interface SystemOptions {
  /** Extra gateway variables (throttle, store, rules); roomcast systems only. */
  gatewayEnv?: Record<string, string>;
}

/** A system under test, started and ready for clients. */
export interface RunningSystem {
  name: SystemName;
  clientKind: ClientKind;
  clientUrl: string;
  token: string | null;
  /** Takes 'rate' and 'sent': the MQTT publisher, or the raw ws server that makes its own frames. */
  source: ChildProcess;
  /** The process that fans out to clients (the gateway, the bridge, Mosquitto, the ws server). */
  serverPid: number;
  /** The IPC handle of that process, when it is a bench node process (for gc and counters). */
  server: ChildProcess | null;
  /** Mosquitto, when it runs beside the server rather than being it. */
  brokerPid: number | null;
  /** The publisher, when it is a process of its own. */
  publisherPid: number | null;
  stop(): Promise<void>;
}

function mintToken(): string {
  return jwt.sign({ sub: 'bench', role: 'viewer' }, JWT_SECRET, { algorithm: 'HS256', expiresIn: '2h' });
}

async function startNode(
  file: string,
  env: Record<string, string>,
): Promise<{ child: ChildProcess; ready: ReadyMessage }> {
  const child = forkTs(file, { env, nodeFlags: ['--expose-gc'] });
  try {
    return { child, ready: await nextMessage(child, 'ready', 60_000) };
  } catch (error) {
    await stopChild(child);
    throw error;
  }
}

async function startPublisher(url: string): Promise<ChildProcess> {
  const child = forkTs('load/publisher.ts');
  try {
    const ready = nextMessage(child, 'ready', 20_000);
    child.send({ type: 'connect', url });
    await ready;
  } catch (error) {
    await stopChild(child);
    throw error;
  }
  return child;
}

/**
 * The clients of a system that speaks Socket.IO: roomcast's use the SDK (batches), the
 * unbatched gateway and the bridge plain socket.io-client, and the bare-clients system a bare
 * `ws` speaking the protocol.
 */
function socketIoClientKindOf(name: SystemName): ClientKind {
  switch (name) {
    case 'roomcast-embedded':
    case 'roomcast-mosquitto':
      return 'roomcast-sdk';
    case 'roomcast-bare-clients':
      return 'socketio-bare';
    default:
      return 'socketio';
  }
}

/** Starts everything a system needs, and stops what it started if any part fails. */
export async function startSystem(name: SystemName, options: SystemOptions = {}): Promise<RunningSystem> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const stopOne of stops.splice(0).reverse()) await stopOne();
  };
  try {
    if (name === 'raw-ws') {
      const { child, ready } = await startNode('servers/raw-ws.ts', {});
      stops.push(() => stopChild(child));
      return {
        name,
        clientKind: 'ws',
        clientUrl: `ws://127.0.0.1:${ready.port}`,
        token: null,
        source: child,
        server: child,
        serverPid: ready.pid,
        brokerPid: null,
        publisherPid: null,
        stop,
      };
    }

    const embedded = name === 'roomcast-embedded' || name === 'roomcast-unbatched' || name === 'roomcast-bare-clients';
    const broker = embedded ? null : await startMosquitto();
    if (broker !== null) stops.push(() => broker.stop());

    if (name === 'mosquitto-ws') {
      const publisher = await startPublisher(broker?.mqttUrl ?? '');
      stops.push(() => stopChild(publisher));
      return {
        name,
        clientKind: 'mqtt-ws',
        clientUrl: broker?.wsUrl ?? '',
        token: null,
        source: publisher,
        server: null,
        serverPid: broker?.pid ?? 0,
        brokerPid: null,
        publisherPid: publisher.pid ?? null,
        stop,
      };
    }

    let server: { child: ChildProcess; ready: ReadyMessage };
    let token: string | null = null;
    if (name === 'naive-bridge') {
      server = await startNode('servers/naive-bridge.ts', { BENCH_MQTT_URL: broker?.mqttUrl ?? '' });
      stops.push(() => stopChild(server.child));
    } else {
      const gatewayEnv: Record<string, string> = {
        JWT_SECRET,
        BROADCAST_MIN_INTERVAL_MS: '0',
        ...(broker !== null ? { MQTT_URL: broker.mqttUrl } : {}),
        ...options.gatewayEnv,
      };
      server = await startNode('servers/roomcast.ts', { BENCH_GATEWAY_ENV: JSON.stringify(gatewayEnv) });
      // A longer grace: stopping flushes the store.
      stops.push(() => stopChild(server.child, 20_000));
      token = mintToken();
    }
    const publisher = await startPublisher(server.ready.mqttUrl ?? '');
    stops.push(() => stopChild(publisher));
    const clientKind = socketIoClientKindOf(name);
    return {
      name,
      clientKind,
      clientUrl:
        clientKind === 'socketio-bare'
          ? `ws://127.0.0.1:${server.ready.port}/socket.io/?EIO=4&transport=websocket`
          : `http://127.0.0.1:${server.ready.port}`,
      token,
      source: publisher,
      server: server.child,
      serverPid: server.ready.pid,
      brokerPid: broker?.pid ?? null,
      publisherPid: publisher.pid ?? null,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** Connects `count` clients of the kind `system` takes, to it, with its token. */
export function connectClients(
  system: RunningSystem,
  count: number,
  rooms: Pick<ClientGroupOptions, 'roomsPerClient' | 'deviceCount'> = {},
): Promise<ClientGroup> {
  return ClientGroup.connect({ kind: system.clientKind, url: system.clientUrl, token: system.token, count, ...rooms });
}
