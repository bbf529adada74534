import { randomBytes } from 'node:crypto';
import mqtt, { type MqttClient } from 'mqtt';

/** Mosquitto (or another external broker) when the environment provides one. */
export const MQTT_TEST_URL = process.env.MQTT_TEST_URL ?? null;

/** `describe` when the condition holds, otherwise `describe.skip` with the reason in the title. */
export function describeIf(condition: boolean, reason: string): jest.Describe {
  if (condition) return describe;
  const skip = ((title: string, fn: () => void) => describe.skip(`${title} (skipped: ${reason})`, fn)) as jest.Describe;
  return skip;
}

/** A short random suffix so tests sharing one broker never see each other's devices. */
export function uniqueId(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

export async function connectPublisher(url: string): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: uniqueId('test-pub'), clean: true, reconnectPeriod: 0 });
}

export async function publish(
  client: MqttClient,
  topic: string,
  payload: string | Buffer | object,
  options: { qos?: 0 | 1; retain?: boolean } = {},
): Promise<void> {
  const body = typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload);
  await client.publishAsync(topic, body, { qos: options.qos ?? 1, retain: options.retain ?? false });
}

/** Removes a persistent session a test left on a shared broker. */
export async function purgeSession(url: string, clientId: string): Promise<void> {
  const client = await mqtt.connectAsync(url, { clientId, clean: true, reconnectPeriod: 0 });
  await client.endAsync();
}

/** Polls a condition until it holds; for state that has no event to await. */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  timeoutMs = 5000,
  everyMs = 25,
): Promise<NonNullable<Exclude<T, false>>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== false && value !== undefined && value !== null) return value as NonNullable<Exclude<T, false>>;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`condition not met within ${timeoutMs} ms${last instanceof Error ? `: ${last.message}` : ''}`);
    }
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
