import Joi from 'joi';
import type { Normaliser, NormaliserInput, NormaliseResult } from './types';
import { accept, checkId, parseJsonText, parseText, parseTimestamp, reject, validateWith } from './parse-payload';
import type { Parsed } from './parse-payload';

const STATUS_FORMS = 'status must be the text online or offline, or JSON {"online": true|false}';

interface StatusObject {
  online: boolean;
  timestamp?: unknown;
}

const objectSchema = Joi.object<StatusObject>({
  online: Joi.boolean().required(),
  timestamp: Joi.any(),
}).unknown(true);

function keyword(text: string): boolean | null {
  const word = text.trim().toLowerCase();
  if (word === 'online') return true;
  if (word === 'offline') return false;
  return null;
}

interface Status {
  online: boolean;
  timestamp: unknown;
}

/**
 * The Last Will is plain text, so text is the main form. Only a payload that looks
 * like a JSON object or string is parsed as JSON; that way a broken JSON object is
 * reported as `not_json`, while a stray word is `invalid_payload`.
 */
function readStatus(text: string, bytes: number): Parsed<Status> {
  const plain = keyword(text);
  if (plain !== null) return accept({ online: plain, timestamp: undefined });
  const first = text.trimStart()[0];
  if (first !== '{' && first !== '"') return reject('invalid_payload', STATUS_FORMS);
  const json = parseJsonText(text, bytes);
  if (!json.ok) return json;
  if (typeof json.value === 'string') {
    const quoted = keyword(json.value);
    return quoted === null ? reject('invalid_payload', STATUS_FORMS) : accept({ online: quoted, timestamp: undefined });
  }
  const object = validateWith(objectSchema, json.value);
  if (!object.ok) return object;
  return accept({ online: object.value.online, timestamp: object.value.timestamp });
}

/** `devices/{deviceId}/status`: whether the device is connected. */
export const deviceStatusNormaliser: Normaliser = {
  params: ['deviceId'],
  normalise({ params, payload, receivedAt }: NormaliserInput): NormaliseResult {
    const deviceId = checkId(params.deviceId, 'deviceId');
    if (!deviceId.ok) return deviceId;
    const text = parseText(payload);
    if (!text.ok) return text;
    const status = readStatus(text.value, payload.length);
    if (!status.ok) return status;
    const timestamp = parseTimestamp(status.value.timestamp, receivedAt);
    if (!timestamp.ok) return timestamp;
    return {
      ok: true,
      event: {
        kind: 'device:status',
        payload: { deviceId: deviceId.value, online: status.value.online, timestamp: timestamp.value },
      },
    };
  },
};
