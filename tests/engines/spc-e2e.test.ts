import type { MqttClient } from 'mqtt';
import type { SamplePayload, ViolationPayload, ViolationRecord } from '@roomcast/shared';
import { runSimulation, spc } from '@roomcast/simulators';
import { collect, jsonHeaders, mintToken, nextEvent, setup, type TestGateway } from '../support/gateway';
import { connectPublisher, eventually, publish, uniqueId } from '../support/mqtt';
import { reportSkippedPostgres, storeBackends } from '../support/postgres';

reportSkippedPostgres('SPC characteristics');

describe.each(storeBackends())('SPC characteristics on $name', (backend) => {
  let gw: TestGateway;
  let publisher: MqttClient;
  let cleanupBackend: () => Promise<void>;

  beforeAll(async () => {
    const prepared = await backend.prepare();
    cleanupBackend = prepared.cleanup;
    gw = await setup({ ...prepared.env, SPC_BASELINE_SAMPLES: '5' });
    await gw.gateway.mqtt.whenConnected();
    publisher = await connectPublisher(gw.gateway.mqtt.embeddedUrl as string);
  });
  afterAll(async () => {
    await publisher.endAsync();
    await gw.cleanup();
    await cleanupBackend();
  });

  const post = (id: string, body: unknown, method = 'POST') =>
    fetch(`${gw.url}/characteristics/${id}`, { method, headers: jsonHeaders('admin'), body: JSON.stringify(body) });

  it('charts the spc simulator: its injected shift and outliers arrive as rule 2 and rule 1 violations, which can be acknowledged', async () => {
    const prefix = `${uniqueId('e2e')}-`;
    const id = `${prefix}fill-weight`; // the simulator's second characteristic: individuals, Normal(500, 1.2)
    const created = await post(id, {
      name: 'Fill weight',
      unit: 'g',
      chart: 'individuals',
      limits: { centre: 500, ucl: 503.6, lcl: 496.4 },
    });
    expect(created.status).toBe(201);
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`characteristic:${id}`] });
    const samples = collect(socket, 'sample');
    const violations = collect(socket, 'violation');

    const controller = new AbortController();
    const run = runSimulation({
      url: gw.gateway.mqtt.embeddedUrl as string,
      families: [spc],
      devices: 2,
      rate: 100,
      anomalyRate: 1,
      seed: 7,
      idPrefix: prefix,
      signal: controller.signal,
      durationMs: 20_000,
    });
    try {
      await eventually(() => [1, 2].every((rule) => violations.some((v) => v.ruleId === rule)), 20_000);
    } finally {
      controller.abort();
      await run;
    }
    const rule1 = violations.find((v) => v.ruleId === 1) as ViolationPayload;
    const rule2 = violations.find((v) => v.ruleId === 2) as ViolationPayload;
    expect(rule1).toMatchObject({ characteristicId: id, ruleName: 'One point beyond 3 sigma', severity: 'CRITICAL' });
    expect(rule2).toMatchObject({ characteristicId: id, severity: 'WARNING' });
    const flagged = samples.find((s) => s.sampleId === rule1.sampleId) as SamplePayload;
    expect(flagged.inControl).toBe(false);
    expect(flagged.zone).toMatch(/^beyond_(upper|lower)$/);

    const update = nextEvent(socket, 'ack_update');
    const ack = await fetch(`${gw.url}/violations/${rule1.violationId}/acknowledge`, {
      method: 'POST',
      headers: jsonHeaders('operator', { sub: 'quality-lead' }),
      body: JSON.stringify({ reason: 'scale recalibrated' }),
    });
    expect(ack.status).toBe(200);
    expect(await ack.json()).toMatchObject({
      violationId: rule1.violationId,
      acknowledged: true,
      ackUser: 'quality-lead',
    });
    expect(await update).toMatchObject({
      kind: 'violation',
      id: rule1.violationId,
      characteristicId: id,
      acknowledged: true,
    });
    const again = await fetch(`${gw.url}/violations/${rule1.violationId}/acknowledge`, {
      method: 'POST',
      headers: jsonHeaders('operator'),
      body: JSON.stringify({ reason: 'again' }),
    });
    expect(again.status).toBe(409);

    const operator = await gw.connect({ token: mintToken({ role: 'operator', sub: 'olga' }) });
    expect(
      await operator.emitWithAck('violation:acknowledge', { violationId: rule2.violationId, reason: 'line stopped' }),
    ).toMatchObject({
      ok: true,
      violation: { violationId: rule2.violationId, acknowledged: true, ackUser: 'olga' },
    });
    const viewer = await gw.connect({ token: mintToken({ role: 'viewer' }) });
    expect(
      await viewer.emitWithAck('violation:acknowledge', { violationId: rule2.violationId, reason: 'x' }),
    ).toMatchObject({
      ok: false,
      code: 'FORBIDDEN',
    });

    const listed = (await (
      await fetch(`${gw.url}/characteristics/${id}/violations?acknowledged=true`, { headers: jsonHeaders('viewer') })
    ).json()) as {
      items: ViolationRecord[];
    };
    expect(listed.items.map((v) => v.violationId).sort()).toEqual([rule1.violationId, rule2.violationId].sort());
  }, 40_000);

  it('creates a characteristic for samples of an unknown id, learns its limits from a baseline, and keeps them', async () => {
    const id = uniqueId('auto');
    const socket = await gw.connect();
    await socket.emitWithAck('subscribe', { rooms: [`characteristic:${id}`] });
    const samples = collect(socket, 'sample');
    for (const value of [10, 12, 11, 13, 9]) await publish(publisher, `spc/${id}/samples`, { value });
    await eventually(() => samples.length === 5);
    expect(samples.every((s) => s.zone === null && s.inControl)).toBe(true);

    const limits = (await (
      await fetch(`${gw.url}/characteristics/${id}/limits`, { headers: jsonHeaders('viewer') })
    ).json()) as {
      centre: number;
      ucl: number;
      lcl: number;
    };
    // X̄ = 11, moving ranges 2, 1, 2, 4 → MR̄ = 2.25; σ̂ = MR̄/d2 = 2.25/1.128; limits X̄ ± 3σ̂ = 11 ± 5.984.
    expect(limits.centre).toBeCloseTo(11, 10);
    expect(limits.ucl).toBeCloseTo(11 + (3 * 2.25) / 1.128, 10);
    expect(limits.lcl).toBeCloseTo(11 - (3 * 2.25) / 1.128, 10);

    await publish(publisher, `spc/${id}/samples`, { value: 11.5, sampleId: `${id}-6` });
    await publish(publisher, `spc/${id}/samples`, { value: 11.5, sampleId: `${id}-6` });
    await eventually(() => samples.length >= 6);
    await gw.gateway.spc.drain();
    expect(samples).toHaveLength(6);
    expect(samples[5]).toMatchObject({ sampleId: `${id}-6`, zone: 'zone_c_upper', inControl: true });

    const view = (await (
      await fetch(`${gw.url}/characteristics/${id}`, { headers: jsonHeaders('viewer') })
    ).json()) as {
      definition: { autoCreated: boolean; chart: string };
      phase: string;
    };
    expect(view).toMatchObject({ phase: 'monitoring', definition: { autoCreated: true, chart: 'individuals' } });
    const stored = (await (
      await fetch(`${gw.url}/characteristics/${id}/samples?limit=3`, { headers: jsonHeaders('viewer') })
    ).json()) as {
      items: Array<{ value: number }>;
    };
    expect(stored.items.map((s) => s.value)).toEqual([13, 9, 11.5]);
  });

  it('validates characteristics and answers clearly', async () => {
    const id = uniqueId('c');
    expect((await post(id, { name: 'x', chart: 'xbar-r', limits: { baseline: 20 } })).status).toBe(400);
    const bad = await post(id, { name: 'x', chart: 'individuals', limits: { centre: 1, ucl: 0, lcl: 2 } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toMatch(/ucl > centre > lcl/);
    expect((await post(id, { name: 'Bore', chart: 'xbar-r', subgroupSize: 5, rules: [1, 2, 9] })).status).toBe(400);
    expect((await post(id, { name: 'Bore', chart: 'xbar-r', subgroupSize: 5 })).status).toBe(201);
    expect((await post(id, { name: 'Bore', chart: 'xbar-r', subgroupSize: 5 })).status).toBe(409);
    const limits = await fetch(`${gw.url}/characteristics/${id}/limits`, { headers: jsonHeaders('viewer') });
    expect(limits.status).toBe(409);
    expect(((await limits.json()) as { error: { message: string } }).error.message).toMatch(
      /baseline \(0 of 5 samples\)/,
    );
    expect((await post(id, { name: 'Bore', chart: 'individuals' }, 'PUT')).status).toBe(200);
    expect((await fetch(`${gw.url}/characteristics/nope-${id}`, { headers: jsonHeaders('viewer') })).status).toBe(404);
    expect((await post(id, { name: 'x', chart: 'individuals' }, 'PUT')).status).toBe(200);
    const asOperator = await fetch(`${gw.url}/characteristics/${id}`, {
      method: 'PUT',
      headers: jsonHeaders('operator'),
      body: '{}',
    });
    expect(asOperator.status).toBe(403);
    const listed = (await (
      await fetch(`${gw.url}/characteristics`, { headers: jsonHeaders('viewer') })
    ).json()) as Array<{
      id: string;
    }>;
    expect(listed.some((c) => c.id === id)).toBe(true);
  });
});
