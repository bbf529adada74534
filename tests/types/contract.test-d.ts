/**
 * Compile-time specification of the contract, checked by `tsc -p tests`.
 * Each `@ts-expect-error` line must fail to compile: if the contract loosened
 * (an `any` map, a misspelt event accepted), the directive itself would error.
 */
import type { Server } from 'socket.io';
import type { Socket } from 'socket.io-client';
import type {
  ClientToServerEvents,
  InterServerEvents,
  ServerToClientEvents,
  SocketData,
  SubscribeAck,
} from '@roomcast/shared';
import { roomOf } from '@roomcast/shared';

declare const client: Socket<ServerToClientEvents, ClientToServerEvents>;
declare const server: Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, SocketData>;

export async function clientSide(): Promise<void> {
  client.on('device:data', (payload) => {
    const deviceId: string = payload.deviceId;
    const timestamp: string = payload.timestamp;
    void deviceId;
    void timestamp;
    // @ts-expect-error a payload field that does not exist
    void payload.deviceID;
  });
  client.on('sample', (payload) => {
    // @ts-expect-error zone is a union of zone names, not a number
    const zone: number = payload.zone;
    void zone;
  });
  // @ts-expect-error an event the server never sends
  client.on('device:telemetry', () => undefined);

  const ack: SubscribeAck = await client.emitWithAck('subscribe', { rooms: ['device:x'] });
  void ack;
  // @ts-expect-error rooms must be an array
  await client.emitWithAck('subscribe', { rooms: 'device:x' });
  // @ts-expect-error an event the server does not handle
  client.emit('subscribe:everything', {});
  // @ts-expect-error subscribe:device takes a device id string
  client.emit('subscribe:device', { deviceId: 'x' }, () => undefined);
}

export function serverSide(): void {
  server.to('device:x').emit('device:status', { deviceId: 'x', online: true, timestamp: '' });
  // @ts-expect-error online must be a boolean
  server.to('device:x').emit('device:status', { deviceId: 'x', online: 'yes', timestamp: '' });
  // @ts-expect-error a missing field
  server.to('device:x').emit('device:data', { deviceId: 'x', timestamp: '' });
  server.on('connection', (socket) => {
    const role: 'viewer' | 'operator' | 'admin' = socket.data.user.role;
    void role;
    // @ts-expect-error SocketData has no such field
    void socket.data.token;
  });
}

export function rooms(): void {
  roomOf({ device: 'a' });
  // @ts-expect-error not a kind of room
  roomOf({ planet: 'mars' });
}
