import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEVICE_DEADBAND_RATIO,
  deviceThresholdRules,
  loadRulesFile,
  MAX_RULES,
  parseRules,
  RulesError,
} from '../../server/src/alerts/alert-rule';

/** A valid rule as an operator would write it, with only the required fields. */
const CO_HIGH = {
  id: 'co-high',
  devices: 'ST-*',
  metric: 'concentration',
  comparison: 'gt',
  alarm_level_1: 35,
  alarm_level_2: 50,
};

function expectRulesError(action: () => unknown, ...fragments: string[]): void {
  let thrown: unknown;
  try {
    action();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(RulesError);
  expect(thrown).toMatchObject({ code: 'RULES_INVALID' });
  for (const fragment of fragments) expect((thrown as Error).message).toContain(fragment);
}

describe('parsing alert rules', () => {
  it('applies the defaults: deadband 0, duration 0, enabled', () => {
    expect(parseRules({ rules: [CO_HIGH] })).toEqual([{ ...CO_HIGH, deadband: 0, duration_ms: 0, enabled: true }]);
  });

  it('keeps every optional field when given', () => {
    const full = {
      ...CO_HIGH,
      description: 'CO above the workplace limit',
      family: 'subtronics',
      deadband: 1.5,
      duration_ms: 30_000,
      enabled: false,
    };
    expect(parseRules({ rules: [full] })).toEqual([full]);
  });

  it('accepts an empty list, which turns every rule off', () => {
    expect(parseRules({ rules: [] })).toEqual([]);
  });

  it.each(['gt', 'gte'])('accepts %s with level 2 above level 1', (comparison) => {
    expect(() => parseRules({ rules: [{ ...CO_HIGH, comparison }] })).not.toThrow();
  });

  it.each(['lt', 'lte'])('accepts %s with level 2 below level 1 (O2 style)', (comparison) => {
    const o2 = { ...CO_HIGH, id: 'o2-low', comparison, alarm_level_1: 19.5, alarm_level_2: 16 };
    expect(() => parseRules({ rules: [o2] })).not.toThrow();
  });

  it(`accepts ${MAX_RULES} rules and refuses one more`, () => {
    const many = Array.from({ length: MAX_RULES }, (_, i) => ({ ...CO_HIGH, id: `rule-${i}` }));
    expect(parseRules({ rules: many })).toHaveLength(MAX_RULES);
    expectRulesError(
      () => parseRules({ rules: [...many, { ...CO_HIGH, id: 'one-more' }] }),
      `must contain less than or equal to ${MAX_RULES} items`,
    );
  });

  it.each([
    ['a bad comparison', { comparison: 'above' }, 'rule 1 ("co-high"): comparison must be one of [gt, gte, lt, lte]'],
    ['level 2 equal to level 1', { alarm_level_2: 35 }, 'alarm_level_2 (35) must be above alarm_level_1 (35)'],
    ['level 2 short of level 1', { alarm_level_2: 20 }, 'rule 1 ("co-high"): alarm_level_2 (20) must be above'],
    [
      'level 2 short of level 1 on a falling rule',
      { comparison: 'lt', alarm_level_1: 19.5, alarm_level_2: 21 },
      'alarm_level_2 (21) must be below alarm_level_1 (19.5) for comparison lt',
    ],
    ['a negative deadband', { deadband: -1 }, 'rule 1 ("co-high"): deadband must be greater than or equal to 0'],
    ['a negative duration', { duration_ms: -5 }, 'duration_ms must be greater than or equal to 0'],
    ['a fractional duration', { duration_ms: 1.5 }, 'duration_ms must be an integer'],
    ['a bad id', { id: 'co high!' }, 'rule 1 ("co high!"): id must be 1-128 characters of [A-Za-z0-9._-]'],
    ['an id of 129 characters', { id: 'x'.repeat(129) }, 'id must be 1-128 characters'],
    ['a device pattern with a space', { devices: 'ST *' }, 'devices must be a device id or a pattern with *'],
    ['a bad metric name', { metric: 'co/ppm' }, 'metric must be 1-64 characters'],
    ['an unknown family', { family: 'weather' }, 'family must be one of [sensor-reading'],
    ['a threshold given as a string', { alarm_level_1: '35' }, 'alarm_level_1 must be a number'],
    ['a misspelt field', { dead_band: 2 }, 'rule 1 ("co-high"): dead_band is not allowed'],
    ['enabled as a string', { enabled: 'yes' }, 'enabled must be a boolean'],
  ])('refuses %s, naming the rule and the field', (_what, change, fragment) => {
    const rules = [
      { ...CO_HIGH, id: 'first' },
      { ...CO_HIGH, ...change },
    ];
    expectRulesError(() => parseRules({ rules }), fragment);
  });

  it.each(['id', 'devices', 'metric', 'comparison', 'alarm_level_1', 'alarm_level_2'])(
    'refuses a rule without %s',
    (field) => {
      const rule: Record<string, unknown> = { ...CO_HIGH };
      delete rule[field];
      expectRulesError(() => parseRules({ rules: [rule] }), `rule 0`, `${field} is required`);
    },
  );

  it('refuses duplicate ids, naming both rules', () => {
    const rules = [CO_HIGH, { ...CO_HIGH, id: 'o2-low' }, { ...CO_HIGH, alarm_level_1: 30 }];
    expectRulesError(() => parseRules({ rules }), 'rule 2 ("co-high"): id duplicates the id of rule 0');
  });

  it.each([
    ['nothing', undefined, 'is required'],
    ['a list without the rules key', [CO_HIGH], 'must be of type object'],
    ['an object without rules', {}, 'rules is required'],
    ['rules that are not a list', { rules: CO_HIGH }, 'rules must be an array'],
    ['a rule that is not an object', { rules: ['co-high'] }, 'rule 0: each rule must be an object'],
  ])('refuses %s', (_what, input, fragment) => {
    expectRulesError(() => parseRules(input), fragment);
  });
});

describe("a device's own thresholds as rules", () => {
  it('makes a rising set point a gte rule with a 2 % deadband and no duration', () => {
    const rules = deviceThresholdRules('ST-001', [
      { metric: 'concentration', warning: 35, critical: 50, direction: 'rising' },
    ]);
    expect(rules).toEqual([
      {
        id: 'device:concentration',
        description: expect.any(String),
        devices: 'ST-001',
        metric: 'concentration',
        comparison: 'gte',
        alarm_level_1: 35,
        alarm_level_2: 50,
        deadband: 35 * DEVICE_DEADBAND_RATIO,
        duration_ms: 0,
        enabled: true,
      },
    ]);
    expect(DEVICE_DEADBAND_RATIO).toBe(0.02);
  });

  it('makes a falling set point (oxygen) an lte rule, with the deadband taken from |level 1|', () => {
    const [rule] = deviceThresholdRules('ST-002', [
      { metric: 'concentration', warning: 19.5, critical: 16, direction: 'falling' },
    ]);
    expect(rule).toMatchObject({ comparison: 'lte', alarm_level_1: 19.5, alarm_level_2: 16 });
    expect(rule?.deadband).toBeCloseTo(0.39);
  });

  it('keeps the deadband positive for a negative set point', () => {
    const [rule] = deviceThresholdRules('T-1', [{ metric: 'temp', warning: -10, critical: -20, direction: 'falling' }]);
    expect(rule?.deadband).toBeCloseTo(0.2);
  });

  it('gives no rules for no thresholds', () => {
    expect(deviceThresholdRules('ST-001', [])).toEqual([]);
  });

  it.each([
    [
      'levels out of order',
      [{ metric: 'co', warning: 50, critical: 35, direction: 'rising' as const }],
      'must be above',
    ],
    [
      'a threshold that is not finite',
      [{ metric: 'co', warning: Number.NaN, critical: 35, direction: 'rising' as const }],
      'must be finite numbers',
    ],
    [
      'two thresholds for one metric',
      [
        { metric: 'co', warning: 35, critical: 50, direction: 'rising' as const },
        { metric: 'co', warning: 30, critical: 50, direction: 'rising' as const },
      ],
      'more than one threshold',
    ],
  ])('refuses %s, naming the device and metric', (_what, thresholds, fragment) => {
    expectRulesError(() => deviceThresholdRules('ST-001', thresholds), 'device "ST-001" threshold for "co"', fragment);
  });
});

describe('loading a rules file', () => {
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'roomcast-rules-'));
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
    const path = write('rules.json', JSON.stringify({ rules: [CO_HIGH] }));
    expect(loadRulesFile(path)).toEqual([{ ...CO_HIGH, deadband: 0, duration_ms: 0, enabled: true }]);
  });

  it.each(['rules.yaml', 'rules.YML'])('reads a YAML file (%s)', (name) => {
    const path = write(
      name,
      [
        'rules:',
        '  - id: o2-low',
        '    description: oxygen deficiency',
        '    devices: "ST-*"',
        '    family: subtronics',
        '    metric: concentration',
        '    comparison: lt',
        '    alarm_level_1: 19.5',
        '    alarm_level_2: 16',
        '    deadband: 0.5',
        '    duration_ms: 10000',
        '  - id: everything-hot',
        "    devices: '*'",
        '    metric: temperature',
        '    comparison: gte',
        '    alarm_level_1: 60',
        '    alarm_level_2: 80',
        '    enabled: false',
      ].join('\n'),
    );
    expect(loadRulesFile(path)).toEqual([
      {
        id: 'o2-low',
        description: 'oxygen deficiency',
        devices: 'ST-*',
        family: 'subtronics',
        metric: 'concentration',
        comparison: 'lt',
        alarm_level_1: 19.5,
        alarm_level_2: 16,
        deadband: 0.5,
        duration_ms: 10000,
        enabled: true,
      },
      {
        id: 'everything-hot',
        devices: '*',
        metric: 'temperature',
        comparison: 'gte',
        alarm_level_1: 60,
        alarm_level_2: 80,
        deadband: 0,
        duration_ms: 0,
        enabled: false,
      },
    ]);
  });

  it('names the file, the rule and the field of a bad rule', () => {
    const path = write('bad.yaml', ['rules:', '  - id: co-high', '    devices: "*"', '    metric: co'].join('\n'));
    expectRulesError(() => loadRulesFile(path), `rules file ${path}: rule 0 ("co-high"): comparison is required`);
  });

  it.each([
    ['invalid JSON', 'broken.json', '{"rules": [', 'is not valid JSON'],
    ['invalid YAML', 'broken.yaml', 'rules: [unclosed', 'is not valid YAML'],
    ['an unknown extension', 'rules.txt', JSON.stringify({ rules: [] }), 'must end in .json, .yaml or .yml'],
  ])('names the file holding %s', (_what, name, content, fragment) => {
    const path = write(name, content);
    expectRulesError(() => loadRulesFile(path), `rules file ${path}: ${fragment}`);
  });

  it('names a file that does not exist', () => {
    const path = join(dir, 'missing.json');
    expectRulesError(() => loadRulesFile(path), `rules file ${path}: does not exist`);
  });
});
