import { execFile } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { connectAsync } from 'mqtt';
import {
  DEVICE_TOPICS,
  type AqiReadingMessage,
  type SoilSensorMessage,
  type SpcSampleMessage,
  type SubTronicsMessage,
  type TelemetryMessage,
} from '@roomcast/shared';
import {
  AQI_CITIES,
  FAMILIES,
  GAS_CELLS,
  LEAK_PROFILE,
  PER_DEVICE_CONNECTION_LIMIT,
  SPC_CHARACTERISTICS,
  createRandom,
  planLinks,
  runSimulation,
  type Family,
  type SimMessage,
} from '@roomcast/simulators';

const ROOT = join(__dirname, '../..');
const run = promisify(execFile);

/** Midnight, local time, on a summer day: the soil family follows the local clock. */
const MIDNIGHT = new Date(2025, 5, 21, 0, 0, 0);
const TEN_MINUTES = 10 * 60_000;

interface Drive {
  devices?: number;
  samples?: number;
  anomalyRate?: number;
  seed?: number;
  start?: Date;
  stepMs?: number;
}

/** Drives a family's devices directly, as runSimulation does, without a broker: messages per device. */
function drive(family: Family, options: Drive = {}): SimMessage[][] {
  const { devices = 3, samples = 144, anomalyRate = 0, seed = 1, start = MIDNIGHT, stepMs = TEN_MINUTES } = options;
  const root = createRandom(seed);
  return Array.from({ length: devices }, (_, index) => {
    const device = family.createDevice(index, root.fork(`${family.name}/${index}`), { anomalyRate });
    return Array.from({ length: samples }, (_, k) => device.next(new Date(start.getTime() + k * stepMs))).flat();
  });
}

/** A `DEVICE_TOPICS` pattern as a regular expression capturing its one parameter. */
function topicPattern(pattern: string): RegExp {
  return new RegExp(`^${pattern.replace(/\{[^}]+\}/g, '([A-Za-z0-9._-]+)')}$`);
}

function payloads<T>(messages: SimMessage[]): T[] {
  return messages.map((message) => {
    expect(typeof message.payload).toBe('object');
    return message.payload as T;
  });
}

function within(value: number | undefined, min: number, max: number): void {
  expect(typeof value).toBe('number');
  expect(value).toBeGreaterThanOrEqual(min);
  expect(value).toBeLessThanOrEqual(max);
}

describe('each family publishes the shared contract', () => {
  it('soil: sensors/{sensorId}/data, readings within the contract and realistic without anomalies', () => {
    const devices = drive(FAMILIES.soil);
    devices.forEach((messages, index) => {
      const id = `soil-00${index + 1}`;
      for (const message of messages) expect(message.topic.match(topicPattern(DEVICE_TOPICS.sensorData))?.[1]).toBe(id);
      for (const reading of payloads<SoilSensorMessage>(messages)) {
        within(reading.moisture, 15, 45);
        within(reading.temperature, 12, 30);
        within(reading.humidity, 40, 90);
        within(reading.light, 0, 60_000);
        expect(typeof reading.timestamp).toBe('string');
      }
    });
  });

  it('soil: light follows daylight, dark at 02:00 and bright at 13:00', () => {
    const [night] = payloads<SoilSensorMessage>(
      drive(FAMILIES.soil, { samples: 1, start: new Date(2025, 5, 21, 2) })[0] ?? [],
    );
    const [noon] = payloads<SoilSensorMessage>(
      drive(FAMILIES.soil, { samples: 1, start: new Date(2025, 5, 21, 13) })[0] ?? [],
    );
    expect(night?.light).toBe(0);
    expect(noon?.light).toBeGreaterThan(10_000);
  });

  it('soil: anomalies stay within the contract (moisture 0–100) but leave the normal 15–45 band', () => {
    const readings = drive(FAMILIES.soil, { anomalyRate: 0.2 }).flatMap((messages) =>
      payloads<SoilSensorMessage>(messages),
    );
    for (const reading of readings) within(reading.moisture, 0, 100);
    expect(readings.some((reading) => reading.moisture < 15 || reading.moisture > 45)).toBe(true);
  });

  it('subtronics: SubTronics/data from ST-4021-NNNN detectors, one gas each, with their set points', () => {
    const devices = drive(FAMILIES.subtronics, { devices: 4 });
    devices.forEach((messages, index) => {
      const cell = GAS_CELLS[index];
      for (const message of messages) expect(message.topic).toBe(DEVICE_TOPICS.subtronics);
      for (const reading of payloads<SubTronicsMessage>(messages)) {
        expect(reading.serial_number).toBe(`ST-4021-000${index + 1}`);
        expect(reading).toMatchObject({
          gas: cell?.gas,
          unit: cell?.unit,
          alarm_level_1: cell?.alarmLevel1,
          alarm_level_2: cell?.alarmLevel2,
          alarm_direction: cell?.gas === 'O2' ? 'falling' : 'rising',
          firmware: '3.2.1',
        });
        within(reading.concentration, cell?.normal[0] ?? 0, cell?.normal[1] ?? 0);
        within(reading.battery, 0, 100);
        within(reading.signal_strength, -95, -55);
        expect(typeof reading.offset).toBe('number');
      }
      const batteries = payloads<SubTronicsMessage>(messages).map((reading) => reading.battery);
      expect(batteries.at(-1)).toBeLessThan(batteries[0] ?? 0);
    });
  });

  it('telemetry: devices/{deviceId}/telemetry with numeric metrics, running and mode', () => {
    const devices = drive(FAMILIES.telemetry);
    devices.forEach((messages, index) => {
      for (const message of messages) {
        expect(message.topic.match(topicPattern(DEVICE_TOPICS.deviceTelemetry))?.[1]).toBe(`dev-000${index + 1}`);
      }
      for (const metrics of payloads<TelemetryMessage>(messages)) {
        within(metrics.temperature as number, 15, 70);
        within(metrics.humidity as number, 30, 60);
        within(metrics.pressure as number, 980, 1045);
        within(metrics.vibration as number, 0, 5);
        expect(typeof metrics.running).toBe('boolean');
        expect(['auto', 'manual']).toContain(metrics.mode);
        if (metrics.running === true) within(metrics.rpm as number, 1400, 1510);
        else expect(metrics.rpm).toBe(0);
      }
    });
  });

  it('telemetry: an overheating drives the temperature past 85 °C and back down', () => {
    const [messages = []] = drive(FAMILIES.telemetry, { devices: 1, samples: 14, anomalyRate: 1 });
    const temperatures = payloads<TelemetryMessage>(messages).map((metrics) => metrics.temperature as number);
    expect(Math.max(...temperatures)).toBeGreaterThan(85);
    expect(temperatures.at(-1)).toBeLessThan(Math.max(...temperatures) - 15);
  });

  it('subtronics and telemetry are device families: online at birth, offline as Last Will, both retained', () => {
    for (const family of [FAMILIES.subtronics, FAMILIES.telemetry]) {
      expect(family.birth?.('dev-0001')).toEqual({ topic: 'devices/dev-0001/status', payload: 'online', retain: true });
      expect(family.lastWill?.('dev-0001')).toEqual({
        topic: 'devices/dev-0001/status',
        payload: 'offline',
        retain: true,
      });
    }
    for (const family of [FAMILIES.soil, FAMILIES.spc, FAMILIES.aqi]) expect(family.lastWill).toBeUndefined();
  });

  it('spc: spc/{characteristicId}/samples, individuals or subgroups of 2–10, with sequential sample ids', () => {
    const devices = drive(FAMILIES.spc, { devices: SPC_CHARACTERISTICS.length + 1, samples: 50 });
    devices.forEach((messages, index) => {
      const spec = SPC_CHARACTERISTICS[index % SPC_CHARACTERISTICS.length];
      const id = index < SPC_CHARACTERISTICS.length ? spec?.id : `${spec?.id}-2`;
      payloads<SpcSampleMessage>(messages).forEach((sample, k) => {
        expect(messages[k]?.topic.match(topicPattern(DEVICE_TOPICS.spcSamples))?.[1]).toBe(id);
        expect(sample.sampleId).toBe(`${id}-${k + 1}`);
        const values = 'values' in sample ? sample.values : [sample.value];
        expect(values).toHaveLength(spec?.subgroupSize ?? 0);
        for (const value of values)
          within(value, (spec?.mean ?? 0) - 5 * (spec?.sigma ?? 0), (spec?.mean ?? 0) + 5 * (spec?.sigma ?? 0));
      });
    });
    expect(SPC_CHARACTERISTICS.some((spec) => spec.subgroupSize > 1)).toBe(true);
    expect(SPC_CHARACTERISTICS.some((spec) => spec.subgroupSize === 1)).toBe(true);
  });

  it('aqi: aqi/{location}/readings per city, EPA units within the breakpoint tables, dirtier cities dirtier', () => {
    const devices = drive(FAMILIES.aqi, { devices: AQI_CITIES.length });
    const meanPm25 = new Map<string, number>();
    devices.forEach((messages, index) => {
      const city = AQI_CITIES[index]?.id ?? '';
      for (const message of messages)
        expect(message.topic.match(topicPattern(DEVICE_TOPICS.aqiReadings))?.[1]).toBe(city);
      const readings = payloads<AqiReadingMessage>(messages);
      for (const reading of readings) {
        within(reading.pm25, 0, 500.4);
        within(reading.pm10, 0, 604);
        within(reading.o3, 0, 0.2);
        within(reading.co, 0, 50.4);
        within(reading.so2, 0, 1004);
        within(reading.no2, 0, 2049);
      }
      meanPm25.set(city, readings.reduce((sum, reading) => sum + (reading.pm25 ?? 0), 0) / readings.length);
    });
    expect(meanPm25.get('delhi')).toBeGreaterThan(5 * (meanPm25.get('london') ?? Infinity));
  });

  it('aqi: a pollution episode multiplies particulates', () => {
    const [calm = []] = drive(FAMILIES.aqi, { devices: 1, samples: 12, stepMs: 1000 });
    const [episode = []] = drive(FAMILIES.aqi, { devices: 1, samples: 12, stepMs: 1000, anomalyRate: 1 });
    const peak = (messages: SimMessage[]) => Math.max(...payloads<AqiReadingMessage>(messages).map((r) => r.pm25 ?? 0));
    expect(peak(episode)).toBeGreaterThan(2 * peak(calm));
  });
});

describe('seeded runs', () => {
  it.each(Object.values(FAMILIES).map((family) => [family.name, family] as const))(
    '%s: the same seed repeats the run, another seed does not',
    (_name, family) => {
      const options = { devices: 3, samples: 40, anomalyRate: 0.2 };
      expect(drive(family, { ...options, seed: 42 })).toEqual(drive(family, { ...options, seed: 42 }));
      expect(drive(family, { ...options, seed: 43 })).not.toEqual(drive(family, { ...options, seed: 42 }));
    },
  );

  it('a sequence from createRandom is reproducible and its normals look normal', () => {
    const a = createRandom(7);
    const b = createRandom(7);
    expect(Array.from({ length: 5 }, () => a.next())).toEqual(Array.from({ length: 5 }, () => b.next()));
    const normals = Array.from({ length: 20_000 }, () => a.normal(10, 2));
    const mean = normals.reduce((sum, x) => sum + x, 0) / normals.length;
    const sd = Math.sqrt(normals.reduce((sum, x) => sum + (x - mean) ** 2, 0) / normals.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
});

/** The plotted point: the value, or the subgroup's mean. */
function point(sample: SpcSampleMessage): number {
  return 'values' in sample ? sample.values.reduce((sum, v) => sum + v, 0) / sample.values.length : sample.value;
}

/** Which of Nelson rules 1–3 the series fires, against the characteristic's known mean and chart sigma. */
function nelsonRules(points: number[], mean: number, sigma: number): Set<1 | 2 | 3> {
  const fired = new Set<1 | 2 | 3>();
  let side = 0;
  let sameSide = 0;
  let rising = 0;
  points.forEach((p, i) => {
    if (Math.abs(p - mean) > 3 * sigma) fired.add(1);
    const s = Math.sign(p - mean);
    sameSide = s !== 0 && s === side ? sameSide + 1 : 1;
    side = s;
    if (sameSide >= 9) fired.add(2);
    const previous = points[i - 1];
    rising = previous !== undefined && p > previous ? rising + 1 : 0;
    if (rising >= 6) fired.add(3);
  });
  return fired;
}

describe('spc events', () => {
  const chartSigma = (index: number) => {
    const spec = SPC_CHARACTERISTICS[index];
    return { mean: spec?.mean ?? 0, sigma: (spec?.sigma ?? 0) / Math.sqrt(spec?.subgroupSize ?? 1) };
  };

  it('with anomaly-rate 1, every characteristic fires rule 1, 2 or 3 within its first 12 samples', () => {
    const devices = drive(FAMILIES.spc, { devices: SPC_CHARACTERISTICS.length, samples: 12, anomalyRate: 1 });
    devices.forEach((messages, index) => {
      const { mean, sigma } = chartSigma(index);
      expect(nelsonRules(payloads<SpcSampleMessage>(messages).map(point), mean, sigma).size).toBeGreaterThan(0);
    });
  });

  it('with anomaly-rate 1, shifts, trends and outliers all occur (rules 2, 3 and 1)', () => {
    const fired = new Set<number>();
    drive(FAMILIES.spc, { devices: SPC_CHARACTERISTICS.length, samples: 60, anomalyRate: 1 }).forEach(
      (messages, index) => {
        const { mean, sigma } = chartSigma(index);
        for (const rule of nelsonRules(payloads<SpcSampleMessage>(messages).map(point), mean, sigma)) fired.add(rule);
      },
    );
    expect([...fired].sort()).toEqual([1, 2, 3]);
  });
});

describe('subtronics leaks', () => {
  type Level = 'clear' | 'warning' | 'critical';
  const level = (reading: SubTronicsMessage): Level => {
    const beyond = (limit: number) =>
      reading.alarm_direction === 'falling' ? reading.concentration <= limit : reading.concentration >= limit;
    if (beyond(reading.alarm_level_2)) return 'critical';
    return beyond(reading.alarm_level_1) ? 'warning' : 'clear';
  };

  it('ramps past alarm level 1, then level 2 for several samples, and recovers, for every gas', () => {
    const devices = drive(FAMILIES.subtronics, {
      devices: GAS_CELLS.length,
      samples: LEAK_PROFILE.length,
      anomalyRate: 1,
    });
    devices.forEach((messages) => {
      const levels = payloads<SubTronicsMessage>(messages).map(level);
      const phases = levels.filter((l, i) => l !== levels[i - 1]);
      expect(phases).toEqual(['clear', 'warning', 'critical', 'warning', 'clear']);
      expect(levels.filter((l) => l === 'warning').length).toBeGreaterThanOrEqual(2);
      expect(levels.filter((l) => l === 'critical').length).toBeGreaterThanOrEqual(2);
    });
  });
});

/** A port nothing listens on: one the system just handed out and took back. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === 'string') throw new Error('no TCP address');
  return address.port;
}

describe('connections and Last Wills', () => {
  const members = (family: Family, count: number) =>
    Array.from({ length: count }, (_, index) => ({
      family,
      device: family.createDevice(index, createRandom(1), { anomalyRate: 0 }),
    }));

  it(`gives each device of a device family its own connection and will up to ${PER_DEVICE_CONNECTION_LIMIT} devices`, () => {
    const plans = planLinks([...members(FAMILIES.soil, 3), ...members(FAMILIES.telemetry, 3)]);
    expect(plans.map((plan) => [plan.members.length, plan.will?.topic ?? null])).toEqual([
      [3, null],
      [1, 'devices/dev-0001/status'],
      [1, 'devices/dev-0002/status'],
      [1, 'devices/dev-0003/status'],
    ]);
  });

  it('shares one connection, with the first device’s will, beyond the limit', () => {
    const plans = planLinks(members(FAMILIES.subtronics, PER_DEVICE_CONNECTION_LIMIT + 1));
    expect(plans).toHaveLength(1);
    expect(plans[0]?.will).toEqual({ topic: 'devices/ST-4021-0001/status', payload: 'offline', retain: true });
  });

  it('keeps retrying an unreachable broker until the duration ends, then reports it never connected', async () => {
    const errors: Error[] = [];
    const stats = await runSimulation({
      url: `mqtt://127.0.0.1:${await closedPort()}`,
      families: [FAMILIES.telemetry],
      devices: 2,
      rate: 10,
      durationMs: 300,
      anomalyRate: 0,
      seed: 1,
      onConnectionError: (error) => errors.push(error),
    });
    expect(stats).toMatchObject({ connected: false, sent: 0, errors: 0 });
    expect(stats.skipped).toBeGreaterThan(0);
    expect(errors.length).toBeGreaterThan(0);
  });

  it('stops at once when its signal is already aborted', async () => {
    const stats = await runSimulation({
      url: `mqtt://127.0.0.1:${await closedPort()}`,
      families: [FAMILIES.soil],
      devices: 1,
      rate: 1,
      anomalyRate: 0,
      seed: 1,
      signal: AbortSignal.abort(),
    });
    expect(stats.sent).toBe(0);
  });
});

interface CliResult {
  code: number;
  stderr: string;
}

async function cli(args: string[]): Promise<CliResult> {
  try {
    const { stderr } = await run('node_modules/.bin/tsx', ['simulators/src/cli.ts', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '' },
      timeout: 15_000,
    });
    return { code: 0, stderr };
  } catch (error) {
    const failed = error as { code?: unknown; stderr?: string };
    if (typeof failed.code !== 'number') throw error;
    return { code: failed.code, stderr: failed.stderr ?? '' };
  }
}

describe('npm run simulate', () => {
  it('rejects a bad argument with a clear message, the usage and exit code 2', async () => {
    const { code, stderr } = await cli(['soil', '--rate', '-1']);
    expect(code).toBe(2);
    expect(stderr).toContain('--rate must be > 0 and ≤ 1000');
    expect(stderr).toContain('Usage: npm run simulate');
  });

  it('rejects an unknown family with exit code 2', async () => {
    const { code, stderr } = await cli(['weather']);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown family "weather"');
  });
});

const BROKER = process.env.MQTT_TEST_URL;
const itBroker = BROKER !== undefined && BROKER !== '' ? it : it.skip;

describe(`against a real broker (needs MQTT_TEST_URL, such as mqtt://127.0.0.1:1883${BROKER ? '' : '; unset, so skipped'})`, () => {
  itBroker('delivers valid soil readings from 2 devices at 10 Hz for 1 s', async () => {
    const url = BROKER ?? '';
    // The topics are fixed by the contract; a unique id prefix keeps this run apart from any other on the broker.
    const prefix = `jest-${process.pid}-${Date.now().toString(36)}-`;
    const subscriber = await connectAsync(url, { reconnectPeriod: 0 });
    try {
      const received = new Map<string, SoilSensorMessage[]>();
      let count = 0;
      let onCount: (() => void) | null = null;
      subscriber.on('message', (topic, payload) => {
        const id = topic.match(topicPattern(DEVICE_TOPICS.sensorData))?.[1];
        if (id === undefined || !id.startsWith(prefix)) return;
        received.set(id, [...(received.get(id) ?? []), JSON.parse(payload.toString()) as SoilSensorMessage]);
        count += 1;
        onCount?.();
      });
      await subscriber.subscribeAsync('sensors/+/data', { qos: 1 });

      const stats = await runSimulation({
        url,
        families: [FAMILIES.soil],
        devices: 2,
        rate: 10,
        durationMs: 1000,
        anomalyRate: 0,
        seed: 2024,
        idPrefix: prefix,
      });
      expect(stats).toMatchObject({ connected: true, errors: 0, unacknowledged: 0 });
      expect(stats.sent).toBeGreaterThanOrEqual(15);
      expect(stats.sent).toBeLessThanOrEqual(22);

      // Acknowledged by the broker is not yet delivered to us: wait for the last ones.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`received ${count} of ${stats.sent}`)), 5_000);
        onCount = () => {
          if (count < stats.sent) return;
          clearTimeout(timer);
          resolve();
        };
        onCount();
      });
      expect([...received.keys()].sort()).toEqual([`${prefix}soil-001`, `${prefix}soil-002`]);
      for (const reading of [...received.values()].flat()) {
        within(reading.moisture, 0, 100);
        within(reading.temperature, -40, 85);
        within(reading.humidity, 0, 100);
        within(reading.light, 0, 200_000);
      }
    } finally {
      await subscriber.endAsync();
    }
  });
});
