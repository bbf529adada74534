import mqtt from 'mqtt';
import { io, type Socket } from 'socket.io-client';
import WebSocket from 'ws';
import { createClient } from '@roomcast/client';
import type { ClientToServerEvents, ServerToClientEvents } from '@roomcast/shared';
import { Histogram } from '../measure/histogram';
import { childProcessSetup, reply } from '../lib/child-side';
import { deviceId, monotonicMs, publishTimeOf } from '../lib/telemetry';
import type { ClientKind, ClientsRequest, ConnectClientsRequest } from '../lib/protocol';

/**
 * A load-generator process: opens `count` clients of one kind, subscribes each to its
 * devices, and for every delivery records the latency (now − the publish time carried in
 * the message, both on the machine's monotonic clock) into a fixed-size histogram.
 */

type Closer = () => void;

const latency = new Histogram();
let deliveries = 0;
let connected = 0;
let disconnects = 0;
let parseErrors = 0;
const closers: Closer[] = [];

function onDelivery(value: unknown): void {
  const t = publishTimeOf(value);
  if (t === null) {
    parseErrors += 1;
    return;
  }
  deliveries += 1;
  latency.record(monotonicMs() - t);
}

function onDisconnect(): void {
  connected -= 1;
  disconnects += 1;
}

function parse(data: Buffer | string): unknown {
  try {
    return JSON.parse(typeof data === 'string' ? data : data.toString()) as unknown;
  } catch {
    return null;
  }
}

const CONNECT_TIMEOUT_MS = 20_000;

async function openSocketIo(url: string, token: string | null, devices: string[]): Promise<Closer> {
  const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(url, {
    transports: ['websocket'],
    // Each client needs its own connection; without forceNew they would share one Manager.
    forceNew: true,
    reconnection: false,
    timeout: CONNECT_TIMEOUT_MS,
    ...(token !== null ? { auth: { token } } : {}),
  });
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
  socket.on('device:data', (payload) => onDelivery(payload.data));
  const ack = await socket
    .timeout(CONNECT_TIMEOUT_MS)
    .emitWithAck('subscribe', { rooms: devices.map((id) => `device:${id}`) });
  if (!ack.ok) {
    socket.disconnect();
    throw new Error(`subscribe refused: ${JSON.stringify(ack)}`);
  }
  socket.on('disconnect', onDisconnect);
  return () => socket.disconnect();
}

async function openSdk(url: string, token: string | null, devices: string[]): Promise<Closer> {
  if (token === null) throw new Error('the roomcast SDK needs a token');
  const client = createClient({ url, token, transports: ['websocket'], requestTimeoutMs: CONNECT_TIMEOUT_MS });
  await client.ready();
  const subscriptions = devices.map((device) => client.subscribe({ device }));
  for (const subscription of subscriptions) subscription.on('device:data', (payload) => onDelivery(payload.data));
  await Promise.all(subscriptions.map((subscription) => subscription.ready()));
  client.on('disconnected', onDisconnect);
  return () => client.disconnect();
}

/**
 * A bare `ws` socket that speaks just enough Engine.IO (v4) and Socket.IO (v5) to join the
 * main namespace asking for batches, subscribe, answer pings and read `batch` and
 * `device:data` events: what the gateway costs when the client costs as little as raw ws's.
 */
async function openSocketIoBare(url: string, token: string | null, devices: string[]): Promise<Closer> {
  if (token === null) throw new Error('the gateway needs a token');
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timed out joining')), CONNECT_TIMEOUT_MS);
    const fail = (error: Error): void => {
      clearTimeout(timer);
      reject(error);
    };
    socket.once('error', fail);
    socket.on('message', function handshake(data: Buffer) {
      const text = data.toString();
      if (text.startsWith('0')) {
        // Engine.IO open; join '/' with the handshake auth, then subscribe with ack id 1.
        socket.send(`40${JSON.stringify({ token, batch: true })}`);
      } else if (text.startsWith('40')) {
        socket.send(`421${JSON.stringify(['subscribe', { rooms: devices.map((id) => `device:${id}`) }])}`);
      } else if (text.startsWith('44')) {
        fail(new Error(`connect refused: ${text.slice(2)}`));
      } else if (text.startsWith('431')) {
        const [ack] = JSON.parse(text.slice(3)) as [{ ok?: boolean }];
        socket.off('message', handshake);
        clearTimeout(timer);
        if (ack.ok === true) resolve();
        else reject(new Error(`subscribe refused: ${text.slice(3)}`));
      }
    });
  });
  socket.on('message', (data: Buffer) => {
    const text = data.toString();
    if (text === '2') {
      socket.send('3');
      return;
    }
    if (!text.startsWith('42')) return;
    const [event, payload] = (parse(text.slice(2)) ?? []) as [string?, unknown?];
    if (event === 'batch') {
      for (const [name, single] of (payload as { events: [string, { data?: unknown }][] }).events) {
        if (name === 'device:data') onDelivery(single.data);
      }
    } else if (event === 'device:data') {
      onDelivery((payload as { data?: unknown }).data);
    }
  });
  socket.on('close', onDisconnect);
  return () => socket.terminate();
}

async function openWs(url: string): Promise<Closer> {
  const socket = new WebSocket(url, { perMessageDeflate: false });
  await new Promise<void>((resolve, reject) => {
    socket.once('open', () => resolve());
    socket.once('error', reject);
  });
  socket.on('message', (data: Buffer) => onDelivery(parse(data)));
  socket.on('close', onDisconnect);
  return () => socket.terminate();
}

async function openMqttWs(url: string, devices: string[]): Promise<Closer> {
  const client = await mqtt.connectAsync(url, {
    clean: true,
    reconnectPeriod: 0,
    connectTimeout: CONNECT_TIMEOUT_MS,
    keepalive: 120,
  });
  client.on('message', (_topic, payload) => onDelivery(parse(payload)));
  await client.subscribeAsync(
    devices.map((id) => `devices/${id}/telemetry`),
    { qos: 0 },
  );
  client.on('close', onDisconnect);
  return () => client.end(true);
}

function open(kind: ClientKind, request: ConnectClientsRequest, devices: string[]): Promise<Closer> {
  switch (kind) {
    case 'roomcast-sdk':
      return openSdk(request.url, request.token, devices);
    case 'socketio':
      return openSocketIo(request.url, request.token, devices);
    case 'socketio-bare':
      return openSocketIoBare(request.url, request.token, devices);
    case 'ws':
      return openWs(request.url);
    case 'mqtt-ws':
      return openMqttWs(request.url, devices);
  }
}

function devicesOf(index: number, request: ConnectClientsRequest): string[] {
  const ids: string[] = [];
  for (let k = 0; k < request.roomsPerClient; k += 1) {
    ids.push(deviceId((index * request.roomsPerClient + k) % request.deviceCount));
  }
  return ids;
}

async function connectAll(request: ConnectClientsRequest): Promise<void> {
  const started = monotonicMs();
  let failed = 0;
  let firstError: string | null = null;
  // Batches keep the accept queue short: thousands of simultaneous SYNs overflow it and cost retransmit seconds.
  for (let offset = 0; offset < request.count; offset += request.batch) {
    const size = Math.min(request.batch, request.count - offset);
    const results = await Promise.allSettled(
      Array.from({ length: size }, (_, i) =>
        open(request.kind, request, devicesOf(request.firstIndex + offset + i, request)),
      ),
    );
    for (const result of results) {
      if (result.status === 'fulfilled') {
        closers.push(result.value);
        connected += 1;
      } else {
        failed += 1;
        firstError ??= result.reason instanceof Error ? result.reason.message : String(result.reason);
      }
    }
  }
  reply({ type: 'connect', connected, failed, firstError, ms: monotonicMs() - started });
}

childProcessSetup<ClientsRequest>(async (request) => {
  switch (request.type) {
    case 'connect':
      await connectAll(request);
      return;
    case 'snapshot':
      reply({
        type: 'snapshot',
        at: monotonicMs(),
        deliveries,
        latency: latency.snapshot(),
        connected,
        disconnects,
        parseErrors,
      });
      deliveries = 0;
      latency.reset();
      return;
    case 'close':
      for (const close of closers) close();
      // Give the close frames a moment to leave so the server sees clean disconnects.
      setTimeout(() => process.exit(0), 300);
      return;
  }
});
