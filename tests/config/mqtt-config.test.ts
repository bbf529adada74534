import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '@roomcast/server';

const base = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };

function problemsOf(env: Record<string, string>): string {
  try {
    loadConfig({ ...base, ...env });
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('configuration was accepted');
}

describe('MQTT configuration', () => {
  it('starts the embedded broker by default, on 127.0.0.1:1883, with the default routes', () => {
    const config = loadConfig(base);
    expect(config.mqtt).toMatchObject({
      url: null,
      clientId: 'roomcast-gateway',
      embedded: { host: '127.0.0.1', port: 1883 },
      sharedGroup: null,
    });
    expect(config.mqtt.routes.map((route) => route.topic)).toEqual([
      'sensors/{sensorId}/data',
      'devices/{deviceId}/telemetry',
      'devices/{deviceId}/status',
      'SubTronics/data',
      'spc/{characteristicId}/samples',
      'aqi/{location}/readings',
    ]);
    expect(config.broadcast.minIntervalMs).toBe(1000);
    expect(config.ingest).toEqual({ maxPayloadBytes: 65536, maxFutureMs: 300000, deadLetterCapacity: 500 });
  });

  it.each([
    [{ MQTT_URL: 'http://broker:1883' }, /MQTT_URL must be a mqtt:\/\/, mqtts:\/\/, ws:\/\/ or wss:\/\/ URL/],
    [{ MQTT_SHARED_GROUP: 'gateways' }, /MQTT_SHARED_GROUP is set, so MQTT_URL must be set too/],
    [{ MQTT_URL: 'mqtt://b', MQTT_SHARED_GROUP: 'a/b' }, /MQTT_SHARED_GROUP must be 1-64 characters/],
    [{ MQTT_PASSWORD: 'secret' }, /MQTT_PASSWORD is set, so MQTT_USERNAME must be set too/],
    [{ MQTT_CLIENT_ID: 'has space' }, /MQTT_CLIENT_ID must be 1-128 characters/],
    [{ MQTT_EMBEDDED_PORT: '99999' }, /MQTT_EMBEDDED_PORT must be a port number/],
    [{ BROADCAST_MIN_INTERVAL_MS: '-1' }, /BROADCAST_MIN_INTERVAL_MS/],
    [{ BROADCAST_BATCH_INTERVAL_MS: '-1' }, /BROADCAST_BATCH_INTERVAL_MS/],
    [{ BROADCAST_BATCH_INTERVAL_MS: '5000' }, /BROADCAST_BATCH_INTERVAL_MS must be less than or equal to 1000/],
    [{ MQTT_MAX_PAYLOAD_BYTES: 'lots' }, /MQTT_MAX_PAYLOAD_BYTES/],
    [{ MQTT_ROUTES_FILE: '/nonexistent/routes.json' }, /MQTT_ROUTES_FILE: .*routes\.json/],
  ])('refuses %j', (env, message) => {
    expect(problemsOf(env)).toMatch(message);
  });

  it('never shows the MQTT password in a configuration error', () => {
    expect(problemsOf({ MQTT_USERNAME: 'u', MQTT_PASSWORD: 'hunter2-secret', PORT: 'x' })).not.toContain('hunter2');
  });

  it('reads a routes file once, at start-up, replacing the default routes', () => {
    const dir = mkdtempSync(join(tmpdir(), 'roomcast-config-'));
    try {
      const file = join(dir, 'routes.yaml');
      writeFileSync(file, 'routes:\n  - topic: plant/{deviceId}/metrics\n    normaliser: device-telemetry\n');
      const config = loadConfig({ ...base, MQTT_ROUTES_FILE: file });
      expect(config.mqtt.routes).toEqual([{ topic: 'plant/{deviceId}/metrics', normaliser: 'device-telemetry' }]);
      writeFileSync(file, 'routes:\n  - topic: plant/{deviceId}/metrics\n    normaliser: teapot\n');
      expect(problemsOf({ MQTT_ROUTES_FILE: file })).toMatch(/MQTT_ROUTES_FILE: .*teapot|normaliser/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
