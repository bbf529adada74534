import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import mqtt from 'mqtt';
import { Server } from 'socket.io';
import type { ClientToServerEvents, ServerToClientEvents } from '@roomcast/shared';
import { childProcessSetup, collectGarbage, failStartup, reply } from '../lib/child-side';
import type { ServerRequest } from '../lib/protocol';

/**
 * The shape of a typical hand-written bridge, as a fixture to compare the gateway with:
 * subscribe to the telemetry topics, JSON.parse each message, `io.to(room).emit` it.
 * No auth, no validation, no store, no throttle, no replay: it does the least a bridge
 * can do, so whatever roomcast costs beyond it is what those features cost.
 */

let io: Server<ClientToServerEvents, ServerToClientEvents> | null = null;
let client: mqtt.MqttClient | null = null;

childProcessSetup<ServerRequest>(async (request) => {
  switch (request.type) {
    case 'gc':
      collectGarbage();
      return;
    case 'close':
      await client?.endAsync(true);
      await new Promise<void>((resolve) => (io === null ? resolve() : void io.close(() => resolve())));
      process.exit(0);
      return;
    default:
      throw new Error(`the naive bridge does not take '${request.type}'`);
  }
});

async function main(): Promise<void> {
  const brokerUrl = process.env.BENCH_MQTT_URL;
  if (brokerUrl === undefined) throw new Error('BENCH_MQTT_URL is not set');
  const httpServer = createServer();
  const server = new Server<ClientToServerEvents, ServerToClientEvents>(httpServer, { serveClient: false });
  io = server;
  server.on('connection', (socket) => {
    socket.on('subscribe', (request, ack) => {
      void socket.join(request.rooms);
      ack({ ok: true, joined: request.rooms, rejected: [] });
    });
  });
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));

  client = await mqtt.connectAsync(brokerUrl, { clean: true, reconnectPeriod: 0 });
  client.on('message', (topic, payload) => {
    const deviceId = topic.split('/')[1] ?? '';
    try {
      const data = JSON.parse(payload.toString()) as Record<string, number | string | boolean>;
      server.to(`device:${deviceId}`).emit('device:data', { deviceId, data, timestamp: new Date().toISOString() });
    } catch {
      // A hand-written bridge typically drops what it cannot parse.
    }
  });
  await client.subscribeAsync('devices/+/telemetry', { qos: 0 });
  reply({ type: 'ready', pid: process.pid, port: (httpServer.address() as AddressInfo).port, mqttUrl: brokerUrl });
}

main().catch((error: unknown) => failStartup(error));
