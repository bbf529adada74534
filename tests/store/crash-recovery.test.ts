import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { io as connectClient } from 'socket.io-client';
import type { Alert } from '@roomcast/shared';
import { mintToken, TEST_SECRET, type ClientSocket } from '../support/gateway';
import { killGatewayProcesses, startGatewayProcess, type GatewayProcess } from '../support/gateway-process';
import { eventually } from '../support/mqtt';

const DEVICES = ['ST-crash-01', 'ST-crash-02', 'ST-crash-03'];
const env = {
  NODE_ENV: 'test',
  JWT_SECRET: TEST_SECRET,
  LOG_FORMAT: 'json',
  LOG_LEVEL: 'info',
  BROADCAST_MIN_INTERVAL_MS: '0',
};

async function embeddedUrl(gateway: GatewayProcess): Promise<string> {
  const line = await gateway.waitForLog('embedded mqtt broker listening');
  return line.url as string;
}

function connectSocket(port: number): Promise<ClientSocket> {
  const socket: ClientSocket = connectClient(`http://127.0.0.1:${port}`, {
    transports: ['websocket'],
    auth: { token: mintToken({ role: 'operator', sub: 'night-shift' }) },
    reconnection: false,
    forceNew: true,
  });
  return new Promise((resolve, reject) => {
    socket.once('connect', () => resolve(socket));
    socket.once('connect_error', reject);
  });
}

function detector(serial: number | string, concentration: number) {
  return JSON.stringify({
    serial_number: serial,
    gas: 'CO',
    concentration,
    offset: 0,
    battery: 80,
    signal_strength: -60,
    alarm_level_1: 35,
    alarm_level_2: 100,
  });
}

describe('nothing lost when the gateway is killed', () => {
  let dataDir: string;
  const sockets: ClientSocket[] = [];
  const publishers: MqttClient[] = [];
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'roomcast-crash-'));
  });
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.disconnect();
    for (const publisher of publishers.splice(0)) await publisher.endAsync(true);
    await killGatewayProcesses();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('keeps every alert raised and every acknowledgement answered before a SIGKILL, and the snapshots', async () => {
    const first = await startGatewayProcess(env, { dataDir });
    await first.waitForLog('gateway listening');
    const publisher = await mqtt.connectAsync(await embeddedUrl(first), { reconnectPeriod: 0 });
    publishers.push(publisher);

    const socket = await connectSocket(first.port);
    sockets.push(socket);
    await socket.emitWithAck('subscribe', { rooms: DEVICES.map((id) => `device:${id}`) });

    // What the operator saw before the crash: every alert broadcast, and every acknowledgement confirmed.
    const seen = new Map<string, Alert>();
    const confirmed = new Set<string>();
    const asked = new Set<string>();
    socket.on('device:alerts', ({ alerts }) => {
      for (const alert of alerts) {
        seen.set(alert.alertId, alert);
        if (!asked.has(alert.alertId) && asked.size % 2 === 0) {
          asked.add(alert.alertId);
          void socket
            .timeout(5000)
            .emitWithAck('alert:acknowledge', { alertId: alert.alertId, reason: 'on it' })
            .then(
              (ack) => {
                if (ack.ok) confirmed.add(alert.alertId);
              },
              () => undefined,
            );
        } else {
          asked.add(alert.alertId);
        }
      }
    });

    // A stream that raises, escalates and clears alerts on every detector, until the kill.
    let step = 0;
    const levels = [10, 50, 120, 10];
    const stream = setInterval(() => {
      for (const id of DEVICES)
        publisher.publish('SubTronics/data', detector(id, levels[step % levels.length]!), { qos: 1 });
      step += 1;
    }, 15);
    await eventually(() => seen.size >= 12 && confirmed.size >= 4, 20_000);
    first.child.kill('SIGKILL');
    process.kill(-(first.child.pid ?? 0), 'SIGKILL');
    clearInterval(stream);
    await first.closed;
    const seenBefore = new Map(seen);
    const confirmedBefore = new Set(confirmed);

    const second = await startGatewayProcess(env, { dataDir });
    await second.waitForLog('gateway listening');
    const admin = { Authorization: `Bearer ${mintToken({ role: 'admin' })}` };
    const stored = new Map<string, Alert>();
    let cursor: string | null = null;
    do {
      const query: string = `status=all&limit=1000${cursor ? `&cursor=${cursor}` : ''}`;
      const page = (await (
        await fetch(`http://127.0.0.1:${second.port}/alerts?${query}`, { headers: admin })
      ).json()) as {
        items: Alert[];
        nextCursor: string | null;
      };
      for (const alert of page.items) stored.set(alert.alertId, alert);
      cursor = page.nextCursor;
    } while (cursor !== null);

    for (const [alertId, alert] of seenBefore) {
      const after = stored.get(alertId);
      expect(after).toBeDefined();
      // Stored is never behind what was broadcast: a broadcast clear or escalation was committed first.
      if (alert.state === 'cleared') expect(after?.state).toBe('cleared');
      if (alert.severity === 'critical') expect(after?.severity).toBe('critical');
    }
    for (const alertId of confirmedBefore) {
      expect(stored.get(alertId)).toMatchObject({ acknowledged: true, ackUser: 'night-shift', ackReason: 'on it' });
    }

    const late = await connectSocket(second.port);
    sockets.push(late);
    const snapshotData: string[] = [];
    late.on('device:data', (event) => snapshotData.push(event.deviceId));
    await late.emitWithAck('subscribe', { rooms: DEVICES.map((id) => `device:${id}`) });
    expect(snapshotData.sort()).toEqual([...DEVICES].sort());
  });
});
