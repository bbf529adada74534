import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ViolationPayload } from '@roomcast/shared';
import { collect, mintToken, setup } from '../support/gateway';
import { eventually } from '../support/mqtt';

const viewer = { Authorization: `Bearer ${mintToken({ role: 'viewer' })}` };
const at = (n: number) => new Date(Date.UTC(2026, 5, 1, 8, 0, n)).toISOString();

describe('SPC across a restart', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roomcast-spc-restart-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the seed file characteristics, keeps computed limits, and carries a run on across the restart', async () => {
    const seed = join(dir, 'characteristics.yaml');
    writeFileSync(
      seed,
      [
        'characteristics:',
        '  - id: fill-weight',
        '    name: Fill weight',
        '    unit: g',
        '    chart: individuals',
        '    limits: { baseline: 4 }',
        '  - id: bore',
        '    name: Bore diameter',
        '    unit: mm',
        '    chart: xbar-r',
        '    subgroupSize: 3',
        '    limits: { centre: 25, ucl: 25.03, lcl: 24.97 }',
        '    rules: [1, 2]',
        '    severities: { "2": CRITICAL }',
      ].join('\n'),
    );
    const env = { DATA_DIR: join(dir, 'data'), SPC_CHARACTERISTICS_FILE: seed };

    const first = await setup(env);
    try {
      const listed = (await (await fetch(`${first.url}/characteristics`, { headers: viewer })).json()) as Array<{
        id: string;
        phase: string;
      }>;
      expect(listed.map((c) => [c.id, c.phase])).toEqual([
        ['bore', 'monitoring'],
        ['fill-weight', 'baseline'],
      ]);
      // Baseline 10, 12, 11, 13 → X̄ = 11.5, MR̄ = (2 + 1 + 2)/3; then eight points above the centre line.
      const values = [10, 12, 11, 13, 12, 12.1, 12.2, 12.3, 12.4, 12.5, 12.6, 12.7];
      for (const [i, value] of values.entries()) {
        await first.gateway.spc.accept({
          characteristicId: 'fill-weight',
          values: [value],
          sampleId: `fw-${i}`,
          timestamp: at(i),
        });
      }
      const limits = (await (
        await fetch(`${first.url}/characteristics/fill-weight/limits`, { headers: viewer })
      ).json()) as {
        centre: number;
      };
      expect(limits.centre).toBeCloseTo(11.5, 10);
    } finally {
      await first.cleanup();
    }

    const second = await setup(env);
    try {
      const socket = await second.connect();
      await socket.emitWithAck('subscribe', { rooms: ['characteristic:fill-weight', 'characteristic:bore'] });
      const violations = collect(socket, 'violation');
      const limits = (await (
        await fetch(`${second.url}/characteristics/fill-weight/limits`, { headers: viewer })
      ).json()) as {
        centre: number;
      };
      expect(limits.centre).toBeCloseTo(11.5, 10);

      // The ninth point above the centre line, the first after the restart, completes rule 2; it also
      // continues the rising run, so rule 3 fires at it too. Both need the points from before the restart.
      await second.gateway.spc.accept({
        characteristicId: 'fill-weight',
        values: [12.8],
        sampleId: 'fw-12',
        timestamp: at(12),
      });
      await eventually(() => violations.length >= 2);
      expect(violations.map((v) => [v.ruleId, v.sampleId])).toEqual([
        [2, 'fw-12'],
        [3, 'fw-12'],
      ]);

      // The seed's severities and rule selection apply: nine subgroup means above the centre are CRITICAL.
      for (let i = 0; i < 9; i += 1) {
        await second.gateway.spc.accept({
          characteristicId: 'bore',
          values: [25.005, 25.006, 25.007],
          sampleId: `b-${i}`,
          timestamp: at(i),
        });
      }
      await eventually(() => violations.some((v) => v.characteristicId === 'bore'));
      expect(violations.find((v) => v.characteristicId === 'bore') as ViolationPayload).toMatchObject({
        ruleId: 2,
        severity: 'CRITICAL',
      });
    } finally {
      await second.cleanup();
    }
  });

  it('refuses a bad seed file at start-up, naming the characteristic and field', async () => {
    const seed = join(dir, 'characteristics.json');
    writeFileSync(seed, JSON.stringify({ characteristics: [{ id: 'x', name: 'X', chart: 'xbar-r' }] }));
    await expect(setup({ DATA_DIR: join(dir, 'data'), SPC_CHARACTERISTICS_FILE: seed })).rejects.toThrow(
      /SPC_CHARACTERISTICS_FILE: .*characteristic x: .*subgroupSize/,
    );
  });
});

describe('SPC after a characteristic is replaced', () => {
  it('restarts cleanly and keeps the limits its own baseline set, never mixing in samples of the old definition', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'roomcast-spc-put-'));
    const env = { DATA_DIR: join(dir, 'data') };
    const admin = { Authorization: `Bearer ${mintToken({ role: 'admin' })}`, 'Content-Type': 'application/json' };
    try {
      const first = await setup(env);
      try {
        const put = (body: unknown, method: string) =>
          fetch(`${first.url}/characteristics/torque`, { method, headers: admin, body: JSON.stringify(body) });
        expect(
          (await put({ name: 'Torque', chart: 'xbar-r', subgroupSize: 2, limits: { baseline: 3 } }, 'POST')).status,
        ).toBe(201);
        for (const [i, values] of [
          [1, 2],
          [3, 4],
        ].entries()) {
          await first.gateway.spc.accept({
            characteristicId: 'torque',
            values,
            sampleId: `t-old-${i}`,
            timestamp: at(i),
          });
        }
        expect((await put({ name: 'Torque', chart: 'individuals', limits: { baseline: 3 } }, 'PUT')).status).toBe(200);
        for (const [i, value] of [10, 12, 14].entries()) {
          await first.gateway.spc.accept({
            characteristicId: 'torque',
            values: [value],
            sampleId: `t-new-${i}`,
            timestamp: at(10 + i),
          });
        }
        expect(
          (
            (await (await fetch(`${first.url}/characteristics/torque/limits`, { headers: viewer })).json()) as {
              centre: number;
            }
          ).centre,
        ).toBe(12);
      } finally {
        await first.cleanup();
      }
      for (let restart = 0; restart < 2; restart += 1) {
        const again = await setup(env);
        try {
          const limits = (await (
            await fetch(`${again.url}/characteristics/torque/limits`, { headers: viewer })
          ).json()) as {
            centre: number;
          };
          expect(limits.centre).toBe(12);
        } finally {
          await again.cleanup();
        }
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('answers a missing body with a clear 400', async () => {
    const gw = await setup();
    try {
      const response = await fetch(`${gw.url}/characteristics/empty`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${mintToken({ role: 'admin' })}` },
      });
      expect(response.status).toBe(400);
      expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
        /definition .* is required/,
      );
    } finally {
      await gw.cleanup();
    }
  });
});
