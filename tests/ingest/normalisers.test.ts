import { NORMALISERS } from '../../server/src/ingest/normalisers';
import type { Normaliser, NormaliseResult, RejectReason } from '../../server/src/ingest/normalisers';
import { MAX_MESSAGE_LENGTH, parseJson, parseTimestamp } from '../../server/src/ingest/normalisers/parse-payload';

const receivedAt = new Date('2026-01-31T12:00:00.000Z');
const RECEIVED = receivedAt.toISOString();
/** A device time distinct from receivedAt, so a test can tell which one was used. */
const DEVICE_TIME = '2026-01-31T11:59:30.250Z';
const DEVICE_TIME_MS = Date.parse(DEVICE_TIME);

type Body = string | Buffer | Record<string, unknown> | unknown[];

function toBuffer(body: Body): Buffer {
  if (Buffer.isBuffer(body)) return body;
  return Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
}

function run(normaliser: Normaliser, params: Record<string, string>, body: Body): NormaliseResult {
  return normaliser.normalise({ params, payload: toBuffer(body), receivedAt });
}

function rejection(reason: RejectReason, fragment?: string): NormaliseResult {
  return {
    ok: false,
    reason,
    message: fragment === undefined ? expect.any(String) : expect.stringContaining(fragment),
  };
}

/** Garbage every JSON family refuses as undecodable. */
const UNDECODABLE: [string, Buffer][] = [
  ['garbage', Buffer.from('moisture=12;temp=20')],
  ['an empty payload', Buffer.alloc(0)],
  ['white space only', Buffer.from('  \n ')],
  ['invalid UTF-8 bytes', Buffer.from([0xff, 0xfe])],
  ['truncated JSON', Buffer.from('{"moisture": 1')],
];

describe('shared payload parsing', () => {
  it('never quotes a payload it cannot parse', () => {
    const secret = 'not json but a secret token abcdef';
    const result = parseJson(Buffer.from(secret));
    expect(result).toEqual({ ok: false, reason: 'not_json', message: 'payload is not valid JSON (34 bytes)' });
  });

  it('accepts ISO 8601 with Z or an offset, and epoch milliseconds', () => {
    expect(parseTimestamp('2026-01-31T12:00:00Z', receivedAt)).toEqual({ ok: true, value: '2026-01-31T12:00:00.000Z' });
    expect(parseTimestamp('2026-01-31T13:30:00.5+01:30', receivedAt)).toEqual({
      ok: true,
      value: '2026-01-31T12:00:00.500Z',
    });
    expect(parseTimestamp(DEVICE_TIME_MS, receivedAt)).toEqual({ ok: true, value: DEVICE_TIME });
  });

  it('uses receivedAt when the timestamp is missing', () => {
    expect(parseTimestamp(undefined, receivedAt)).toEqual({ ok: true, value: RECEIVED });
  });

  it.each([
    ['a word', 'yesterday'],
    ['a time without a zone', '2026-01-31T12:00:00'],
    ['a date alone', '2026-01-31'],
    ['a day that does not exist', '2026-02-30T12:00:00Z'],
    ['a month that does not exist', '2026-13-01T12:00:00Z'],
    ['epoch milliseconds as a string', '1769860800000'],
    ['epoch seconds', 1_769_860_800],
    ['null', null],
    ['a boolean', true],
    ['an object', { at: 1 }],
  ])('refuses %s as invalid_timestamp', (_what, value) => {
    expect(parseTimestamp(value, receivedAt)).toEqual({
      ok: false,
      reason: 'invalid_timestamp',
      message: expect.stringContaining('timestamp'),
    });
  });

  it('bounds every message, however long the offending value', () => {
    const result = NORMALISERS['device-telemetry'].normalise({
      params: { deviceId: 'd1' },
      payload: Buffer.from(JSON.stringify({ ['x'.repeat(5000)]: 1 })),
      receivedAt,
    });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message.length).toBeLessThanOrEqual(MAX_MESSAGE_LENGTH);
  });
});

describe('sensor-reading', () => {
  const normaliser = NORMALISERS['sensor-reading'];
  const params = { sensorId: 'soil_7.a' };
  const valid = { moisture: 41.5, temperature: 18.2, humidity: 63, light: 12000 };

  it('needs the sensorId topic parameter', () => {
    expect(normaliser.params).toEqual(['sensorId']);
  });

  it('turns a reading into a sensor_reading event, dropping unknown fields', () => {
    expect(run(normaliser, params, { ...valid, timestamp: DEVICE_TIME, rssi: -60, debug: { boot: 3 } })).toEqual({
      ok: true,
      event: { kind: 'sensor_reading', payload: { sensorId: 'soil_7.a', ...valid, timestamp: DEVICE_TIME } },
    });
  });

  it('takes epoch milliseconds and defaults to receivedAt', () => {
    const withMs = run(normaliser, params, { ...valid, timestamp: DEVICE_TIME_MS });
    expect(withMs).toMatchObject({ ok: true, event: { payload: { timestamp: DEVICE_TIME } } });
    expect(run(normaliser, params, valid)).toMatchObject({ ok: true, event: { payload: { timestamp: RECEIVED } } });
  });

  it('accepts the ends of each range', () => {
    expect(run(normaliser, params, { moisture: 0, temperature: -40, humidity: 100, light: 200000 }).ok).toBe(true);
    expect(run(normaliser, params, { moisture: 100, temperature: 85, humidity: 0, light: 0 }).ok).toBe(true);
  });

  it.each(UNDECODABLE)('refuses %s as not_json', (_what, payload) => {
    expect(run(normaliser, params, payload)).toEqual(rejection('not_json'));
  });

  it.each([
    ['a JSON array', [1, 2, 3], 'JSON object'],
    ['a JSON number', '42', 'JSON object'],
    ['a missing field', { moisture: 1, temperature: 2, humidity: 3 }, 'light is required'],
    ['a number sent as text', { ...valid, moisture: '41.5' }, 'moisture must be a number'],
    ['"NaN"', { ...valid, temperature: 'NaN' }, 'temperature must be a number'],
    ['null', { ...valid, humidity: null }, 'humidity must be a number'],
    ['moisture above 100', { ...valid, moisture: 100.1 }, 'moisture'],
    ['temperature below -40', { ...valid, temperature: -41 }, 'temperature'],
    ['humidity below 0', { ...valid, humidity: -1 }, 'humidity'],
    ['light above 200000', { ...valid, light: 200001 }, 'light'],
    ['an overflowing number', '{"moisture":1,"temperature":1e999,"humidity":1,"light":1}', 'temperature'],
  ])('refuses %s as invalid_payload', (_what, body, fragment) => {
    expect(run(normaliser, params, body)).toEqual(rejection('invalid_payload', fragment));
  });

  it('refuses a bad sensor id and a bad timestamp', () => {
    expect(run(normaliser, { sensorId: 'soil 7' }, valid)).toEqual(rejection('invalid_id', '1-128 characters'));
    expect(run(normaliser, params, { ...valid, timestamp: 'yesterday' })).toEqual(rejection('invalid_timestamp'));
  });
});

describe('device-telemetry', () => {
  const normaliser = NORMALISERS['device-telemetry'];
  const params = { deviceId: 'OTSM-0114' };

  it('needs the deviceId topic parameter', () => {
    expect(normaliser.params).toEqual(['deviceId']);
  });

  it('turns flat metrics into device:data with no thresholds, taking timestamp apart', () => {
    const data = { 'pump.rpm': 1450, state: 'running', door_open: false, 'temp-c': -3.5 };
    expect(run(normaliser, params, { ...data, timestamp: DEVICE_TIME })).toEqual({
      ok: true,
      event: { kind: 'device:data', payload: { deviceId: 'OTSM-0114', data, timestamp: DEVICE_TIME }, thresholds: [] },
    });
  });

  it('defaults the timestamp to receivedAt', () => {
    expect(run(normaliser, params, { a: 1 })).toMatchObject({ ok: true, event: { payload: { timestamp: RECEIVED } } });
  });

  it('accepts up to 100 metrics and strings of 256 characters', () => {
    const hundred = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`m${i}`, i]));
    expect(run(normaliser, params, hundred).ok).toBe(true);
    expect(run(normaliser, params, { note: 'x'.repeat(256) }).ok).toBe(true);
  });

  it.each(UNDECODABLE)('refuses %s as not_json', (_what, payload) => {
    expect(run(normaliser, params, payload)).toEqual(rejection('not_json'));
  });

  it.each([
    ['a JSON array', [1], 'JSON object'],
    ['no metrics', {}, 'no metrics'],
    ['only a timestamp', { timestamp: DEVICE_TIME }, 'no metrics'],
    ['101 metrics', Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`m${i}`, i])), '101 metrics'],
    ['a nested object', { ok: 1, nested: { a: 1 } }, 'metric "nested" is an object'],
    ['an array', { list: [1, 2] }, 'metric "list" is an array'],
    ['null', { gone: null }, 'metric "gone" is null'],
    ['a string of 257 characters', { note: 'x'.repeat(257) }, 'metric "note"'],
    ['a name with a space', { 'pump rpm': 1 }, 'metric name "pump rpm"'],
    ['a name of 65 characters', { ['m'.repeat(65)]: 1 }, 'metric name'],
    ['an overflowing number', '{"big":1e999}', 'metric "big" must be a finite number'],
  ])('refuses %s as invalid_payload', (_what, body, fragment) => {
    expect(run(normaliser, params, body)).toEqual(rejection('invalid_payload', fragment));
  });

  it('never lets a __proto__ metric through', () => {
    expect(run(normaliser, params, '{"__proto__":{"polluted":true}}')).toEqual(rejection('invalid_payload'));
    expect(run(normaliser, params, '{"__proto__":1}')).toEqual(rejection('invalid_payload', '__proto__'));
  });

  it('refuses a bad device id and a bad timestamp', () => {
    expect(run(normaliser, { deviceId: 'a/b' }, { a: 1 })).toEqual(rejection('invalid_id', 'deviceId'));
    expect(run(normaliser, params, { a: 1, timestamp: 'yesterday' })).toEqual(rejection('invalid_timestamp'));
  });
});

describe('device-status', () => {
  const normaliser = NORMALISERS['device-status'];
  const params = { deviceId: 'gw-1' };
  const status = (online: boolean, timestamp = RECEIVED): NormaliseResult => ({
    ok: true,
    event: { kind: 'device:status', payload: { deviceId: 'gw-1', online, timestamp } },
  });

  it('needs the deviceId topic parameter', () => {
    expect(normaliser.params).toEqual(['deviceId']);
  });

  it.each([
    ['online', true],
    ['offline', false],
    [' ONLINE\n', true],
    ['Offline', false],
    ['"online"', true],
    ['"OFFLINE"', false],
  ])('reads %j as online=%s at receivedAt', (text, online) => {
    expect(run(normaliser, params, text)).toEqual(status(online));
  });

  it('reads the JSON form with its own timestamp', () => {
    expect(run(normaliser, params, { online: false, timestamp: DEVICE_TIME })).toEqual(status(false, DEVICE_TIME));
    expect(run(normaliser, params, { online: true, timestamp: DEVICE_TIME_MS })).toEqual(status(true, DEVICE_TIME));
    expect(run(normaliser, params, { online: true })).toEqual(status(true));
  });

  it.each([
    ['an empty payload', Buffer.alloc(0)],
    ['invalid UTF-8 bytes', Buffer.from([0xff, 0xfe])],
    ['a broken JSON object', Buffer.from('{"online": tru')],
  ])('refuses %s as not_json', (_what, payload) => {
    expect(run(normaliser, params, payload)).toEqual(rejection('not_json'));
  });

  it.each([
    ['another word', 'sleeping', 'online or offline'],
    ['a JSON boolean', 'true', 'online or offline'],
    ['a JSON array', '["online"]', 'online or offline'],
    ['another JSON string', '"up"', 'online or offline'],
    ['online as a string in the object', { online: 'true' }, 'online must be a boolean'],
    ['an object without online', { state: 'up' }, 'online is required'],
  ])('refuses %s as invalid_payload', (_what, body, fragment) => {
    expect(run(normaliser, params, body)).toEqual(rejection('invalid_payload', fragment));
  });

  it('refuses a bad device id and a bad timestamp', () => {
    expect(run(normaliser, { deviceId: 'gw 1' }, 'online')).toEqual(rejection('invalid_id'));
    expect(run(normaliser, params, { online: true, timestamp: 'yesterday' })).toEqual(rejection('invalid_timestamp'));
  });
});

describe('subtronics', () => {
  const normaliser = NORMALISERS.subtronics;
  const h2s = {
    serial_number: 'ST-00412',
    gas: 'H2S',
    concentration: 3.2,
    offset: 0.1,
    battery: 87,
    signal_strength: -71,
    alarm_level_1: 10,
    alarm_level_2: 15,
  };
  const o2 = { ...h2s, serial_number: 'ST-00413', gas: 'O2', concentration: 20.9, unit: '%vol' };

  it('needs no topic parameter: the serial number is the device id', () => {
    expect(normaliser.params).toEqual([]);
  });

  it('turns a message into device:data with camelCase metrics and the detector set points as thresholds', () => {
    const message = { ...h2s, sensor_temperature: 24.5, firmware: '2.4.1', timestamp: DEVICE_TIME, diag: 'x' };
    expect(run(normaliser, {}, message)).toEqual({
      ok: true,
      event: {
        kind: 'device:data',
        payload: {
          deviceId: 'ST-00412',
          data: {
            gas: 'H2S',
            concentration: 3.2,
            unit: 'ppm',
            offset: 0.1,
            battery: 87,
            signalStrength: -71,
            alarmLevel1: 10,
            alarmLevel2: 15,
            sensorTemperature: 24.5,
            firmware: '2.4.1',
          },
          timestamp: DEVICE_TIME,
        },
        thresholds: [{ metric: 'concentration', warning: 10, critical: 15, direction: 'rising' }],
      },
    });
  });

  it('gives an O2 detector a falling alarm, level 2 below level 1', () => {
    const result = run(normaliser, {}, { ...o2, alarm_level_1: 19.5, alarm_level_2: 18 });
    expect(result).toEqual({
      ok: true,
      event: {
        kind: 'device:data',
        payload: {
          deviceId: 'ST-00413',
          data: {
            gas: 'O2',
            concentration: 20.9,
            unit: '%vol',
            offset: 0.1,
            battery: 87,
            signalStrength: -71,
            alarmLevel1: 19.5,
            alarmLevel2: 18,
          },
          timestamp: RECEIVED,
        },
        thresholds: [{ metric: 'concentration', warning: 19.5, critical: 18, direction: 'falling' }],
      },
    });
  });

  it('refuses an O2 detector whose level 2 is above level 1', () => {
    expect(run(normaliser, {}, { ...o2, alarm_level_1: 19.5, alarm_level_2: 23.5 })).toEqual(
      rejection('invalid_payload', 'alarm_level_2 (23.5) must be below alarm_level_1 (19.5)'),
    );
  });

  it('refuses a rising detector whose level 2 is not above level 1', () => {
    expect(run(normaliser, {}, { ...h2s, alarm_level_2: 10 })).toEqual(
      rejection('invalid_payload', 'must be above alarm_level_1'),
    );
  });

  it('lets an explicit alarm_direction override the default', () => {
    const result = run(normaliser, {}, { ...h2s, alarm_direction: 'falling', alarm_level_1: 5, alarm_level_2: 2 });
    expect(result).toMatchObject({
      ok: true,
      event: { thresholds: [{ metric: 'concentration', warning: 5, critical: 2, direction: 'falling' }] },
    });
  });

  it.each(UNDECODABLE)('refuses %s as not_json', (_what, payload) => {
    expect(run(normaliser, {}, payload)).toEqual(rejection('not_json'));
  });

  it.each([
    ['a missing serial number', { ...h2s, serial_number: undefined }, 'serial_number is required'],
    ['a gas with punctuation', { ...h2s, gas: 'H2-S' }, 'gas must be 1-16 letters or digits'],
    ['a gas of 17 characters', { ...h2s, gas: 'G'.repeat(17) }, 'gas'],
    ['a negative concentration', { ...h2s, concentration: -0.5 }, 'concentration'],
    ['a concentration sent as text', { ...h2s, concentration: '3.2' }, 'concentration must be a number'],
    ['an unknown unit', { ...h2s, unit: 'mg/m3' }, 'unit must be one of'],
    ['a missing offset', { ...h2s, offset: undefined }, 'offset is required'],
    ['a battery above 100', { ...h2s, battery: 101 }, 'battery'],
    ['a signal above 0 dBm', { ...h2s, signal_strength: 3 }, 'signal_strength'],
    ['a signal below -120 dBm', { ...h2s, signal_strength: -121 }, 'signal_strength'],
    ['an alarm level as text', { ...h2s, alarm_level_1: 'NaN' }, 'alarm_level_1 must be a number'],
    ['an unknown direction', { ...h2s, alarm_direction: 'up' }, 'alarm_direction'],
    ['a numeric firmware', { ...h2s, firmware: 241 }, 'firmware must be a string'],
  ])('refuses %s as invalid_payload', (_what, body, fragment) => {
    expect(run(normaliser, {}, body)).toEqual(rejection('invalid_payload', fragment));
  });

  it.each([
    ['a space', 'ST 00412'],
    ['a slash', 'ST/00412'],
    ['129 characters', 'S'.repeat(129)],
    ['a number', 412],
  ])('refuses a serial number with %s as invalid_id', (_what, serial) => {
    expect(run(normaliser, {}, { ...h2s, serial_number: serial })).toEqual(rejection('invalid_id', 'serial_number'));
  });

  it('refuses a bad timestamp', () => {
    expect(run(normaliser, {}, { ...h2s, timestamp: 'yesterday' })).toEqual(rejection('invalid_timestamp'));
  });
});

describe('spc-sample', () => {
  const normaliser = NORMALISERS['spc-sample'];
  const params = { characteristicId: 'bore-diameter' };

  it('needs the characteristicId topic parameter', () => {
    expect(normaliser.params).toEqual(['characteristicId']);
  });

  it('turns one value into a sample of one', () => {
    expect(run(normaliser, params, { value: 25.013, sampleId: 'S-1', timestamp: DEVICE_TIME_MS })).toEqual({
      ok: true,
      event: {
        kind: 'spc_sample',
        sample: { characteristicId: 'bore-diameter', values: [25.013], sampleId: 'S-1', timestamp: DEVICE_TIME },
      },
    });
  });

  it('turns a subgroup into a sample, with no sampleId and receivedAt by default', () => {
    const values = [25.01, 25.02, 24.99, 25.0, 25.03];
    expect(run(normaliser, params, { values })).toEqual({
      ok: true,
      event: {
        kind: 'spc_sample',
        sample: { characteristicId: 'bore-diameter', values, sampleId: null, timestamp: RECEIVED },
      },
    });
  });

  it('accepts subgroups of 2 and of 10', () => {
    expect(run(normaliser, params, { values: [1, 2] }).ok).toBe(true);
    expect(run(normaliser, params, { values: Array.from({ length: 10 }, (_, i) => i) }).ok).toBe(true);
  });

  it.each(UNDECODABLE)('refuses %s as not_json', (_what, payload) => {
    expect(run(normaliser, params, payload)).toEqual(rejection('not_json'));
  });

  it.each([
    ['both value and values', { value: 1, values: [1, 2] }, 'not both'],
    ['neither value nor values', { sampleId: 'S-1' }, 'must carry value'],
    ['a subgroup of 1', { values: [1] }, 'values'],
    ['a subgroup of 11', { values: Array.from({ length: 11 }, (_, i) => i) }, 'values'],
    ['a value sent as text', { value: '25.0' }, 'value must be a number'],
    ['"NaN" in a subgroup', { values: [1, 'NaN', 3] }, 'values[1] must be a number'],
    ['null in a subgroup', { values: [1, null] }, 'values[1]'],
    ['values that is not an array', { values: 3 }, 'values must be an array'],
  ])('refuses %s as invalid_payload', (_what, body, fragment) => {
    expect(run(normaliser, params, body)).toEqual(rejection('invalid_payload', fragment));
  });

  it('refuses a bad characteristic id or sample id as invalid_id', () => {
    expect(run(normaliser, { characteristicId: 'bore diameter' }, { value: 1 })).toEqual(
      rejection('invalid_id', 'characteristicId'),
    );
    expect(run(normaliser, params, { value: 1, sampleId: 'S 1' })).toEqual(rejection('invalid_id', 'sampleId'));
    expect(run(normaliser, params, { value: 1, sampleId: 7 })).toEqual(rejection('invalid_id', 'sampleId'));
  });

  it('refuses a bad timestamp', () => {
    expect(run(normaliser, params, { value: 1, timestamp: 'yesterday' })).toEqual(rejection('invalid_timestamp'));
  });
});

describe('aqi-reading', () => {
  const normaliser = NORMALISERS['aqi-reading'];

  it('needs the location topic parameter', () => {
    expect(normaliser.params).toEqual(['location']);
  });

  it('turns a reading into an aqi_reading at the normalised location, dropping unknown keys', () => {
    const pollutants = { pm25: 35.4, pm10: 120, o3: 0.061, co: 4.4, so2: 35, no2: 53 };
    expect(
      run(normaliser, { location: 'New-Delhi' }, { ...pollutants, station: 'ITO', timestamp: DEVICE_TIME }),
    ).toEqual({
      ok: true,
      event: {
        kind: 'aqi_reading',
        reading: { location: 'new-delhi', concentrations: pollutants, timestamp: DEVICE_TIME },
      },
    });
  });

  it('accepts a single pollutant, zero, and the physical ceilings themselves', () => {
    expect(run(normaliser, { location: 'delhi' }, { pm25: 0 })).toEqual({
      ok: true,
      event: { kind: 'aqi_reading', reading: { location: 'delhi', concentrations: { pm25: 0 }, timestamp: RECEIVED } },
    });
    const ceilings = { pm25: 1000, pm10: 2000, o3: 1, co: 100, so2: 2000, no2: 3000 };
    expect(run(normaliser, { location: 'delhi' }, ceilings).ok).toBe(true);
  });

  it.each(UNDECODABLE)('refuses %s as not_json', (_what, payload) => {
    expect(run(normaliser, { location: 'delhi' }, payload)).toEqual(rejection('not_json'));
  });

  it.each([
    ['no pollutant', { station: 'ITO' }, 'at least one of pm25'],
    ['a negative concentration', { pm10: -1 }, 'pm10'],
    ['pm25 above 1000', { pm25: 1000.1 }, 'pm25 above 1000 is physically implausible'],
    ['pm10 above 2000', { pm10: 2001 }, 'physically implausible'],
    ['o3 above 1 ppm', { o3: 61 }, 'physically implausible'],
    ['co above 100 ppm', { co: 101 }, 'physically implausible'],
    ['so2 above 2000 ppb', { so2: 2001 }, 'physically implausible'],
    ['no2 above 3000 ppb', { no2: 3001 }, 'physically implausible'],
    ['a concentration sent as text', { pm25: '12' }, 'pm25 must be a number'],
  ])('refuses %s as invalid_payload', (_what, body, fragment) => {
    expect(run(normaliser, { location: 'delhi' }, body)).toEqual(rejection('invalid_payload', fragment));
  });

  it('refuses a location with a space inside as invalid_id', () => {
    expect(run(normaliser, { location: 'New Delhi' }, { pm25: 1 })).toEqual(rejection('invalid_id', 'location'));
  });

  it('refuses a bad timestamp', () => {
    expect(run(normaliser, { location: 'delhi' }, { pm25: 1, timestamp: 'yesterday' })).toEqual(
      rejection('invalid_timestamp'),
    );
  });
});
