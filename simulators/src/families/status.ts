import { DEVICE_TOPICS, type StatusMessage } from '@roomcast/shared';
import type { SimMessage } from '../family';
import { fillTopic } from '../topics';

/**
 * `devices/{deviceId}/status`, retained: a client that subscribes later still
 * learns whether the device is up, and the Last Will overwrites `online` with
 * `offline` when the connection dies without a goodbye.
 */
export function statusMessage(deviceId: string, status: StatusMessage): SimMessage {
  return { topic: fillTopic(DEVICE_TOPICS.deviceStatus, { deviceId }), payload: status, retain: true };
}
