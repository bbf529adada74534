import type { ViolationPayload } from '@roomcast/shared';
import { initialView, MAX_VIOLATIONS, reduceRoomEvent, withStatus } from '../../client-sdk/src/room-view';

/** The framework-free reducer behind both useRoom hooks. */
describe('reduceRoomEvent', () => {
  const at = '2026-01-31T12:00:00.000Z';
  const violation = (n: number): ViolationPayload => ({
    violationId: `v-${n}`,
    characteristicId: 'fill',
    sampleId: `s-${n}`,
    ruleId: 1,
    ruleName: 'One point beyond 3 sigma',
    severity: 'CRITICAL',
  });

  it('keeps the latest reading of any telemetry-like event as data', () => {
    let view = initialView('subscribed');
    view = reduceRoomEvent(view, {
      event: 'sensor_reading',
      payload: { sensorId: 's', moisture: 1, temperature: 2, humidity: 3, light: 4, timestamp: at },
    });
    expect(view.data).toMatchObject({ sensorId: 's', moisture: 1 });
    view = reduceRoomEvent(view, {
      event: 'sample',
      payload: { sampleId: 'x', characteristicId: 'c', timestamp: at, value: 5, zone: null, inControl: true },
    });
    expect(view.data).toMatchObject({ sampleId: 'x', value: 5 });
  });

  it('returns the same view when nothing it shows changed', () => {
    const view = initialView('subscribed');
    expect(
      reduceRoomEvent(view, { event: 'device:status', payload: { deviceId: 'd', online: true, timestamp: at } }),
    ).toBe(view);
    const unknownAck = {
      kind: 'alert',
      id: 'nope',
      deviceId: 'd',
      acknowledged: true,
      ackUser: 'u',
      ackReason: 'r',
      ackAt: at,
    } as const;
    expect(reduceRoomEvent(view, { event: 'ack_update', payload: unknownAck })).toBe(view);
    expect(withStatus(view, 'subscribed')).toBe(view);
    expect(withStatus(view, 'subscribing')).toEqual({ ...view, status: 'subscribing' });
  });

  it('keeps the newest violations only, and marks the acknowledged one', () => {
    let view = initialView('subscribed');
    for (let n = 0; n < MAX_VIOLATIONS + 5; n += 1)
      view = reduceRoomEvent(view, { event: 'violation', payload: violation(n) });
    expect(view.alerts).toHaveLength(MAX_VIOLATIONS);
    expect(view.alerts[0]).toMatchObject({ violationId: 'v-5', acknowledged: false });
    const acked = reduceRoomEvent(view, {
      event: 'ack_update',
      payload: {
        kind: 'violation',
        id: 'v-7',
        characteristicId: 'fill',
        acknowledged: true,
        ackUser: 'q',
        ackReason: 'ok',
        ackAt: at,
      },
    });
    expect(acked.alerts.filter((item) => item.acknowledged)).toEqual([
      expect.objectContaining({ violationId: 'v-7', ackUser: 'q', ackReason: 'ok', ackAt: at }),
    ]);
    expect(view.alerts.every((item) => !item.acknowledged)).toBe(true); // the previous view is untouched
  });
});
