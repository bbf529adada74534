import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jwt from 'jsonwebtoken';
import { io as connectClient, type Socket } from 'socket.io-client';
import type { ClientToServerEvents, Role, ServerToClientEvents } from '@roomcast/shared';
import { createGateway, loadConfig, type Env, type Gateway } from '@roomcast/server';
import type { GatewaySocket } from '../../server/src/realtime/types';

export type ClientSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export const TEST_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export interface TokenOptions {
  sub?: string;
  role?: Role;
  rooms?: string[];
  expiresIn?: number;
  secret?: string;
  extra?: Record<string, unknown>;
  signOptions?: jwt.SignOptions;
}

/** Mints a token the way an identity provider would, independently of the gateway's own code. */
export function mintToken(options: TokenOptions = {}): string {
  const claims: Record<string, unknown> = {
    sub: options.sub ?? 'tester',
    role: options.role ?? 'operator',
    ...(options.rooms !== undefined ? { rooms: options.rooms } : {}),
    ...options.extra,
  };
  return jwt.sign(claims, options.secret ?? TEST_SECRET, {
    algorithm: 'HS256',
    expiresIn: options.expiresIn ?? 300,
    ...options.signOptions,
  });
}

/** Headers of a JSON request carrying a token of `role`, whose subject is `<role>-user` unless given. */
export function jsonHeaders(role: Role, token: Omit<TokenOptions, 'role'> = {}): Record<string, string> {
  return {
    Authorization: `Bearer ${mintToken({ ...token, role, sub: token.sub ?? `${role}-user` })}`,
    'Content-Type': 'application/json',
  };
}

/** Defines an SPC characteristic through the REST API, as an admin; the caller checks the answer. */
export function createCharacteristic(url: string, id: string, definition: Record<string, unknown>): Promise<Response> {
  return fetch(`${url}/characteristics/${id}`, {
    method: 'POST',
    headers: jsonHeaders('admin'),
    body: JSON.stringify(definition),
  });
}

export interface ConnectOptions {
  token?: string | null;
  extraHeaders?: Record<string, string>;
  /** More handshake `auth` fields, such as `batch: true`. */
  auth?: Record<string, unknown>;
  /** Transports to try, in order (default: WebSocket only). */
  transports?: ('websocket' | 'polling')[];
  /** Query parameters of the handshake, such as `token`. */
  query?: Record<string, string>;
}

export interface TestGateway {
  gateway: Gateway;
  url: string;
  port: number;
  /** Connects a client and waits for it to be connected (or rejects with the connect_error). */
  connect(options?: ConnectOptions): Promise<ClientSocket>;
  cleanup(): Promise<void>;
}

/** A real gateway on an ephemeral port with a test secret; `env` overrides any variable. */
export async function setup(env: Env = {}): Promise<TestGateway> {
  // Each gateway gets its own SQLite file unless the test chose a store.
  const dataDir = env.DATA_DIR === undefined ? mkdtempSync(join(tmpdir(), 'roomcast-test-')) : null;
  const config = loadConfig({
    ...(dataDir !== null ? { DATA_DIR: dataDir } : {}),
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    JWT_SECRET: TEST_SECRET,
    MQTT_EMBEDDED_PORT: '0',
    ...env,
  });
  const gateway = await createGateway(config);
  let port: number;
  try {
    ({ port } = await gateway.start());
  } catch (error) {
    await gateway.stop();
    if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const url = `http://127.0.0.1:${port}`;
  const clients: ClientSocket[] = [];

  const connect: TestGateway['connect'] = (options = {}) => {
    const token = options.token === undefined ? mintToken() : options.token;
    const socket: ClientSocket = connectClient(url, {
      transports: options.transports ?? ['websocket'],
      reconnection: false,
      forceNew: true,
      auth: { ...(token !== null ? { token } : {}), ...options.auth },
      ...(options.extraHeaders !== undefined ? { extraHeaders: options.extraHeaders } : {}),
      ...(options.query !== undefined ? { query: options.query } : {}),
    });
    clients.push(socket);
    return new Promise((resolve, reject) => {
      socket.once('connect', () => resolve(socket));
      socket.once('connect_error', (error) => reject(error));
    });
  };

  const cleanup = async (): Promise<void> => {
    for (const client of clients) client.disconnect();
    await gateway.stop();
    if (dataDir !== null) rmSync(dataDir, { recursive: true, force: true });
  };

  return { gateway, url, port, connect, cleanup };
}

/** Resolves with the next payload of a server event. */
export function nextEvent<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
  timeoutMs = 5000,
): Promise<Parameters<ServerToClientEvents[E]>[0]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${String(event)}`)), timeoutMs);
    const listener = ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
      clearTimeout(timer);
      resolve(payload);
    }) as ServerToClientEvents[E];
    // socket.io-client's typed `once` cannot infer a generic event's listener.
    (socket.once as (event: E, listener: ServerToClientEvents[E]) => void)(event, listener);
  });
}

/** Collects every payload of an event until stopped. */
export function collect<E extends keyof ServerToClientEvents>(
  socket: ClientSocket,
  event: E,
): Parameters<ServerToClientEvents[E]>[0][] {
  const seen: Parameters<ServerToClientEvents[E]>[0][] = [];
  const listener = ((payload: Parameters<ServerToClientEvents[E]>[0]) => {
    seen.push(payload);
  }) as ServerToClientEvents[E];
  (socket.on as (event: E, listener: ServerToClientEvents[E]) => void)(event, listener);
  return seen;
}

/** The gateway's side of a connected client. */
export function serverSocketOf(gw: TestGateway, client: ClientSocket): GatewaySocket {
  const socket = client.id === undefined ? undefined : gw.gateway.io.sockets.sockets.get(client.id);
  if (socket === undefined) throw new Error('no server-side socket for this client');
  return socket;
}

/** Resolves once a client that started on long polling has upgraded to WebSocket. */
export function whenUpgraded(client: ClientSocket): Promise<void> {
  return new Promise((resolve) => {
    if (client.io.engine.transport.name === 'websocket') resolve();
    else client.io.engine.once('upgrade', () => resolve());
  });
}

/** Subscribes a client to a device's room and checks it receives the next broadcast there. */
export async function expectDelivery(gw: TestGateway, client: ClientSocket, device: string): Promise<void> {
  const ack = await client.emitWithAck('subscribe', { rooms: [`device:${device}`] });
  expect(ack).toEqual({ ok: true, joined: [`device:${device}`], rejected: [] });
  const next = nextEvent(client, 'device:data');
  gw.gateway.broadcaster.publish(`device:${device}`, 'device:data', {
    deviceId: device,
    data: { v: 1 },
    timestamp: new Date().toISOString(),
  });
  expect((await next).data).toEqual({ v: 1 });
}
