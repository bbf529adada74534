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
