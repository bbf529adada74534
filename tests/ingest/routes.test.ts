import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEVICE_TOPICS } from '@roomcast/shared';
import { NORMALISERS } from '../../server/src/ingest/normalisers';
import { compileRoutes, DEFAULT_ROUTES, MAX_TOPIC_LEVELS, RoutesError } from '../../server/src/ingest/routes';
import type { Route } from '../../server/src/ingest/routes';
import { loadRoutesFile } from '../../server/src/ingest/routes-file';

function expectRoutesError(action: () => unknown, fragment: string): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(RoutesError);
  expect(thrown).toMatchObject({ code: 'ROUTES_INVALID', message: expect.stringContaining(fragment) });
}

describe('the default route table', () => {
  const table = compileRoutes(DEFAULT_ROUTES);

  it('routes every topic of the device contract', () => {
    expect(DEFAULT_ROUTES.map((r) => r.topic).sort()).toEqual(Object.values(DEVICE_TOPICS).sort());
  });

  it.each([
    ['sensors/soil-7/data', 'sensor-reading', { sensorId: 'soil-7' }],
    ['devices/OTSM-0114/telemetry', 'device-telemetry', { deviceId: 'OTSM-0114' }],
    ['devices/OTSM-0114/status', 'device-status', { deviceId: 'OTSM-0114' }],
    ['SubTronics/data', 'subtronics', {}],
    ['spc/bore-diameter/samples', 'spc-sample', { characteristicId: 'bore-diameter' }],
    ['aqi/New Delhi/readings', 'aqi-reading', { location: 'New Delhi' }],
  ] as const)('matches %s to %s and captures its parameters', (topic, name, params) => {
    expect(table.match(topic)).toEqual({
      route: expect.objectContaining({ normaliser: name }),
      params,
      normaliser: NORMALISERS[name],
    });
  });

  it.each([
    ['an unknown topic', 'weather/x/data'],
    ['a topic with an extra level', 'sensors/s1/data/raw'],
    ['a topic with a missing level', 'sensors/data'],
    ['a literal level in the wrong case', 'subtronics/data'],
    ['an empty parameter level', 'sensors//data'],
    ['a leading slash', '/sensors/s1/data'],
    ['a trailing slash', 'SubTronics/data/'],
    ['the single-level wildcard', 'sensors/+/data'],
    ['the multi-level wildcard', 'sensors/#'],
    ['a wildcard inside a level', 'devices/a+b/status'],
    ['a broker topic', '$SYS/sensors/x/data'],
    ['an empty topic', ''],
  ])('does not match %s', (_what, topic) => {
    expect(table.match(topic)).toBeNull();
  });

  it('subscribes with + in place of each placeholder', () => {
    expect(table.subscriptionFilters()).toEqual([
      'sensors/+/data',
      'devices/+/telemetry',
      'devices/+/status',
      'SubTronics/data',
      'spc/+/samples',
      'aqi/+/readings',
    ]);
  });
});

describe('compiling routes', () => {
  it('gives the first matching route, so a specific route can precede a general one', () => {
    const table = compileRoutes([
      { topic: 'devices/legacy-1/telemetry', normaliser: 'subtronics' },
      { topic: 'devices/{deviceId}/telemetry', normaliser: 'device-telemetry' },
    ]);
    expect(table.match('devices/legacy-1/telemetry')?.route.normaliser).toBe('subtronics');
    expect(table.match('devices/other/telemetry')?.route.normaliser).toBe('device-telemetry');
  });

  it('subscribes once to filters that overlap, so the broker delivers each message once', () => {
    const table = compileRoutes([
      { topic: 'site/{siteId}/devices/{deviceId}/telemetry', normaliser: 'device-telemetry' },
      { topic: 'devices/legacy-1/telemetry', normaliser: 'subtronics' },
      { topic: 'devices/{deviceId}/telemetry', normaliser: 'device-telemetry' },
      { topic: 'devices/legacy-2/status', normaliser: 'subtronics' },
      { topic: 'devices/{deviceId}/status', normaliser: 'device-status' },
    ]);
    expect(table.subscriptionFilters()).toEqual([
      'site/+/devices/+/telemetry',
      'devices/+/telemetry',
      'devices/+/status',
    ]);
  });

  it('captures extra placeholders the normaliser does not need', () => {
    const table = compileRoutes([
      { topic: 'site/{siteId}/devices/{deviceId}/telemetry', normaliser: 'device-telemetry' },
    ]);
    expect(table.match('site/north/devices/d1/telemetry')?.params).toEqual({ siteId: 'north', deviceId: 'd1' });
  });

  it(`accepts ${MAX_TOPIC_LEVELS} levels`, () => {
    const topic = [...Array.from({ length: MAX_TOPIC_LEVELS - 1 }, (_, i) => `l${i}`), '{deviceId}'].join('/');
    expect(() => compileRoutes([{ topic, normaliser: 'device-status' }])).not.toThrow();
  });

  it.each([
    ['an empty level', 'sensors//{sensorId}', 'level 2 is empty'],
    ['a leading slash', '/sensors/{sensorId}', 'level 1 is empty'],
    ['a trailing slash', 'sensors/{sensorId}/', 'is empty'],
    ['text mixed with a placeholder', 'sensors/s{sensorId}/data', 'whole {name} placeholder'],
    ['an unclosed placeholder', 'sensors/{sensorId/data', 'whole {name} placeholder'],
    ['an empty placeholder name', 'sensors/{}/{sensorId}', 'whole {name} placeholder'],
    ['a literal +', 'sensors/+/{sensorId}', 'MQTT wildcard'],
    ['a literal #', 'sensors/{sensorId}/#', 'MQTT wildcard'],
    ['a duplicate placeholder', 'sensors/{sensorId}/{sensorId}', 'appears twice'],
    ['a broker topic', '$SYS/{sensorId}', 'reserved for the broker'],
    ['an empty topic', '', 'non-empty'],
    ['17 levels', [...Array.from({ length: 16 }, (_, i) => `l${i}`), '{sensorId}'].join('/'), '17 levels'],
  ])('refuses a pattern with %s', (_what, topic, fragment) => {
    expectRoutesError(() => compileRoutes([{ topic, normaliser: 'sensor-reading' }]), fragment);
  });

  it('refuses a route whose pattern lacks a parameter its normaliser needs', () => {
    expectRoutesError(
      () => compileRoutes([{ topic: 'sensors/{id}/data', normaliser: 'sensor-reading' }]),
      'lacks {sensorId}, which the sensor-reading normaliser needs',
    );
  });

  it('refuses a route that an earlier route makes unreachable', () => {
    expectRoutesError(
      () =>
        compileRoutes([
          { topic: 'devices/{deviceId}/telemetry', normaliser: 'device-telemetry' },
          { topic: 'devices/legacy-1/telemetry', normaliser: 'subtronics' },
        ]),
      'route 2 ("devices/legacy-1/telemetry") can never match',
    );
  });

  it('refuses an unknown normaliser and an empty table', () => {
    const unknown = [{ topic: 'a/b', normaliser: 'weather' }] as unknown as Route[];
    expectRoutesError(() => compileRoutes(unknown), 'expected one of sensor-reading');
    expectRoutesError(() => compileRoutes([]), 'at least one route');
  });
});

describe('loading a routes file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roomcast-routes-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  function write(name: string, content: string): string {
    const path = join(dir, name);
    writeFileSync(path, content);
    return path;
  }

  it('reads a JSON file', () => {
    const path = write(
      'routes.json',
      JSON.stringify({ routes: [{ topic: 'plant/{deviceId}/metrics', normaliser: 'device-telemetry' }] }),
    );
    expect(loadRoutesFile(path)).toEqual([{ topic: 'plant/{deviceId}/metrics', normaliser: 'device-telemetry' }]);
  });

  it('reads a YAML file, whose table then replaces the default one', () => {
    const path = write(
      'routes.yaml',
      [
        'routes:',
        '  - topic: plant/{deviceId}/metrics',
        '    normaliser: device-telemetry',
        '  - topic: "air/{location}/now"',
        '    normaliser: aqi-reading',
      ].join('\n'),
    );
    const routes = loadRoutesFile(path);
    expect(routes).toEqual([
      { topic: 'plant/{deviceId}/metrics', normaliser: 'device-telemetry' },
      { topic: 'air/{location}/now', normaliser: 'aqi-reading' },
    ]);
    const table = compileRoutes(routes);
    expect(table.match('air/Delhi/now')?.params).toEqual({ location: 'Delhi' });
    expect(table.match('sensors/s1/data')).toBeNull();
  });

  it.each([
    [
      'an unknown normaliser',
      'bad.yml',
      'routes:\n  - topic: a/{deviceId}\n    normaliser: weather\n',
      'must be one of',
    ],
    ['no routes', 'empty.json', '{"routes": []}', 'routes must contain at least 1 items'],
    ['a misspelt key', 'typo.json', '{"route": []}', 'routes is required'],
    ['invalid JSON', 'broken.json', '{"routes": [', 'is not valid JSON'],
    ['invalid YAML', 'broken.yaml', 'routes:\n  - topic: [a\n', 'is not valid YAML'],
    ['a malformed pattern', 'pattern.json', '{"routes":[{"topic":"a/+/b","normaliser":"subtronics"}]}', 'wildcard'],
    [
      'a pattern lacking a parameter',
      'params.json',
      '{"routes":[{"topic":"s/{id}/data","normaliser":"sensor-reading"}]}',
      'lacks {sensorId}',
    ],
  ])('refuses a file with %s, naming the file', (_what, name, content, fragment) => {
    const path = write(name, content);
    expectRoutesError(() => loadRoutesFile(path), `routes file ${path}`);
    expectRoutesError(() => loadRoutesFile(path), fragment);
  });

  it('lists the valid normaliser names when one is unknown', () => {
    const path = write('names.json', '{"routes":[{"topic":"a/{deviceId}","normaliser":"weather"}]}');
    expectRoutesError(
      () => loadRoutesFile(path),
      '[sensor-reading, device-telemetry, device-status, subtronics, spc-sample, aqi-reading]',
    );
  });

  it('refuses a missing file and an unknown extension', () => {
    const missing = join(dir, 'nowhere.yaml');
    expectRoutesError(() => loadRoutesFile(missing), `routes file ${missing}: does not exist`);
    const toml = write('routes.toml', 'routes = []');
    expectRoutesError(() => loadRoutesFile(toml), '.json, .yaml or .yml');
  });
});
