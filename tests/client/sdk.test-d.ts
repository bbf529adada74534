/**
 * Compile-time specification of the SDK's public types, checked by `tsc -p tests`.
 * Each `@ts-expect-error` line must fail to compile: if the types loosened (an event
 * name or payload field accepted that the contract does not have), the directive errors.
 */
import { ref } from 'vue';
import { createClient, type ClientState, type RoomcastClient, type SubscriptionState } from '@roomcast/client';
import { useRoom as useReactRoom } from '@roomcast/client/react';
import { useRoom as useVueRoom } from '@roomcast/client/vue';

declare const client: RoomcastClient;

export function options(): void {
  createClient({ url: 'http://localhost', token: 't' });
  createClient({ url: 'http://localhost', getToken: async () => 't', reconnect: { minDelayMs: 100 } });
  // @ts-expect-error a token or getToken is required
  createClient({ url: 'http://localhost' });
  // @ts-expect-error not both: which one wins would be a guess
  createClient({ url: 'http://localhost', token: 't', getToken: () => 't' });
  // @ts-expect-error an unknown transport
  createClient({ url: 'http://localhost', token: 't', transports: ['webtransport'] });
}

export function subscriptions(): void {
  const subscription = client.subscribe({ device: 'OTSM-0114' }, { history: { limit: 10 } });
  subscription.on('device:data', (payload) => {
    const temperature: string | number | boolean | undefined = payload.data.temperature;
    void temperature;
    // @ts-expect-error a payload field that does not exist
    void payload.deviceID;
  });
  subscription.on('sample', (payload) => {
    // @ts-expect-error zone is a union of zone names, not a number
    const zone: number = payload.zone;
    void zone;
  });
  subscription.on('state', ({ oldState, newState }) => {
    const states: SubscriptionState[] = [oldState, newState];
    void states;
  });
  subscription.on('history', (entries) => void entries.map((entry) => entry.event));
  // @ts-expect-error an event no room receives
  subscription.on('device:telemetry', () => undefined);
  // @ts-expect-error pong goes to one socket, not to a room
  subscription.on('pong', () => undefined);
  // @ts-expect-error the handler's payload is the contract's, not a string
  subscription.on('device:status', (payload: string) => void payload);

  client.subscribe('location:delhi');
  client.subscribe({ location: 'Delhi' });
  // @ts-expect-error a kind of room that does not exist
  client.subscribe({ machine: 'press-4' });
  // @ts-expect-error a reference names its id as a string
  client.subscribe({ device: 114 });
  // @ts-expect-error history is a limit or a since, not a count
  client.subscribe('device:x', { history: 10 });
  // @ts-expect-error subscriptions have no state outside the four
  const wrong: SubscriptionState = 'connected';
  void wrong;
}

export async function requests(): Promise<void> {
  client.on('state', ({ newState }) => {
    const state: ClientState = newState;
    void state;
  });
  client.on('error', (error) => void error.code);
  // @ts-expect-error not a client event
  client.on('reconnecting', () => undefined);

  const alert = await client.acknowledgeAlert({ alertId: 'a', reason: 'on site' });
  const acknowledged: boolean = alert.acknowledged;
  void acknowledged;
  // @ts-expect-error the request names the alert by alertId
  await client.acknowledgeAlert({ id: 'a', reason: 'on site' });
  const violation = await client.acknowledgeViolation({ violationId: 'v', reason: 'recalibrated' });
  const ruleId: number = violation.ruleId;
  void ruleId;
  // @ts-expect-error a reason is required
  await client.acknowledgeViolation({ violationId: 'v' });
  const { emitted } = await client.refresh({ sensor: 's-1' });
  void emitted;
}

export function hooks(): void {
  const device = useReactRoom(client, { device: 'OTSM-0114' });
  const reading: string | number | boolean | undefined = device.data?.data.temperature;
  void reading;
  const alertIds: string[] = device.alerts.map((alert) => alert.alertId);
  void alertIds;
  // @ts-expect-error a device room's data is device:data, not an AQI update
  void device.data?.aqi;

  const air = useReactRoom(client, 'location:delhi');
  const aqi: number | undefined = air.data?.aqi.value;
  void aqi;

  const chart = useVueRoom(client, ref({ characteristic: 'fill-weight' }));
  const violationIds: string[] = chart.alerts.value.map((violation) => violation.violationId);
  void violationIds;
  // @ts-expect-error the refs are read-only
  chart.status.value = 'subscribed';
  // @ts-expect-error a characteristic room's data is a sample: no deviceId
  void chart.data.value?.deviceId;
}
