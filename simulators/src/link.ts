import { randomBytes } from 'node:crypto';
import { backoffDelay } from '@roomcast/shared';
import { connect, type IClientOptions, type MqttClient } from 'mqtt';
import type { Family, SimDevice, SimMessage } from './family';

/** A simulated device with the family that made it: the family knows its birth and Last Will. */
export interface Member {
  family: Family;
  device: SimDevice;
}

/** One MQTT connection and the devices that publish through it. */
export interface LinkPlan {
  /** Goes into the client id, for a broker log a human can read. */
  label: string;
  members: Member[];
  will: SimMessage | null;
}

/**
 * MQTT allows ONE Last Will per connection, and the broker publishes it only
 * when that connection dies. A device family gets one connection per device,
 * each with its own will, up to this many devices; beyond it, one shared
 * connection per family carries the will of its first device only, so a crash
 * marks just that device offline. Every device is still marked offline by an
 * explicit publish on a clean stop.
 */
export const PER_DEVICE_CONNECTION_LIMIT = 50;

/** Devices without a Last Will share one connection; device families follow PER_DEVICE_CONNECTION_LIMIT. */
export function planLinks(members: readonly Member[]): LinkPlan[] {
  const plain = members.filter((member) => member.family.lastWill === undefined);
  const plans: LinkPlan[] = plain.length > 0 ? [{ label: 'shared', members: plain, will: null }] : [];
  const families = new Set(members.map((member) => member.family));
  for (const family of families) {
    const lastWill = family.lastWill;
    if (lastWill === undefined) continue;
    const own = members.filter((member) => member.family === family);
    if (own.length <= PER_DEVICE_CONNECTION_LIMIT) {
      for (const member of own) {
        plans.push({ label: member.device.id, members: [member], will: lastWill(member.device.id) });
      }
    } else if (own[0] !== undefined) {
      plans.push({ label: family.name, members: own, will: lastWill(own[0].device.id) });
    }
  }
  return plans;
}

export interface LinkSettings {
  url: string;
  username?: string;
  password?: string;
}

export interface LinkEvents {
  /** The connection came up (again); birth messages are already on their way. */
  onConnect(): void;
  /** The broker could not be reached or refused the connection; mqtt.js keeps retrying. */
  onConnectionError(error: Error): void;
  /** A QoS 1 publish was acknowledged by the broker (no error) or failed. */
  onPublished(error: Error | undefined, message: SimMessage): void;
}

export interface Link {
  readonly plan: LinkPlan;
  isUp(): boolean;
  /** Publishes sent and not yet acknowledged. */
  inFlight(): number;
  publish(message: SimMessage): void;
  /**
   * Publishes each device's `offline` if the connection is up, waits up to
   * `timeoutMs` for acknowledgements, then disconnects (gracefully when nothing
   * is pending, else by closing the socket).
   */
  close(timeoutMs: number): Promise<void>;
}

/** Reconnect delays: capped exponential backoff with full jitter, never below the floor. */
const RECONNECT = { baseMs: 500, maxMs: 10_000, floorMs: 100 };

function encode(payload: SimMessage['payload']): string {
  return typeof payload === 'string' ? payload : JSON.stringify(payload);
}

/** Resolves true if `promise` settles in time, false otherwise; its timer never outlives it. */
async function within(promise: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function openLink(plan: LinkPlan, settings: LinkSettings, events: LinkEvents): Link {
  const options: IClientOptions = {
    // A random suffix: two simulators on one broker must not take over each other's sessions.
    clientId: `roomcast-sim-${plan.label}-${randomBytes(3).toString('hex')}`,
    clean: true,
    connectTimeout: 5_000,
    reconnectPeriod: RECONNECT.baseMs,
    queueQoSZero: false,
  };
  if (settings.username !== undefined) options.username = settings.username;
  if (settings.password !== undefined) options.password = settings.password;
  if (plan.will !== null) {
    options.will = { topic: plan.will.topic, payload: Buffer.from(encode(plan.will.payload)), qos: 1, retain: true };
  }
  const client: MqttClient = connect(settings.url, options);
  let pending = 0;
  let onIdle: (() => void) | null = null;
  let attempt = 0;

  const publish = (message: SimMessage): void => {
    pending += 1;
    client.publish(message.topic, encode(message.payload), { qos: 1, retain: message.retain ?? false }, (error) => {
      pending -= 1;
      // mqtt.js passes null on success, despite its typings.
      events.onPublished(error ?? undefined, message);
      if (pending === 0) onIdle?.();
    });
  };

  // mqtt.js retries at a fixed reconnectPeriod, which it reads each time it
  // schedules a retry. Setting it just before (prependListener runs ahead of
  // the client's own 'close' handler) turns the fixed interval into backoff with
  // jitter, so many simulated devices do not hit a restarted broker in lockstep.
  client.prependListener('close', () => {
    client.options.reconnectPeriod = Math.max(RECONNECT.floorMs, backoffDelay(attempt, RECONNECT));
    attempt += 1;
  });
  client.on('connect', () => {
    attempt = 0;
    // Re-announced on every connect: the Last Will may have said `offline` meanwhile.
    for (const { family, device } of plan.members) {
      const birth = family.birth?.(device.id);
      if (birth !== undefined) publish(birth);
    }
    events.onConnect();
  });
  // Without a listener an 'error' event would crash the process; every one is reported.
  client.on('error', (error) => events.onConnectionError(error));

  return {
    plan,
    isUp: () => client.connected,
    inFlight: () => pending,
    publish,
    async close(timeoutMs) {
      if (client.connected) {
        for (const { family, device } of plan.members) {
          const goodbye = family.lastWill?.(device.id);
          if (goodbye !== undefined) publish(goodbye);
        }
      }
      if (client.connected && pending > 0) {
        await within(
          new Promise<void>((resolve) => {
            onIdle = resolve;
          }),
          timeoutMs,
        );
        onIdle = null;
      }
      if (client.connected && pending === 0) {
        // A DISCONNECT tells the broker not to publish the Last Will: the goodbye was explicit.
        const ending = client.endAsync(false);
        if (await within(ending, timeoutMs)) return;
        client.stream.destroy();
        await ending;
        return;
      }
      await client.endAsync(true);
    },
  };
}
