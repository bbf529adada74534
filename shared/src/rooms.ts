import { ErrorCode } from './codes';
import { RoomcastError } from './errors';

/** The kinds of room a client can join; a room is named `<kind>:<id>`. */
export const ROOM_KINDS = ['device', 'sensor', 'location', 'characteristic'] as const;
export type RoomKind = (typeof ROOM_KINDS)[number];
export type RoomName = `${RoomKind}:${string}`;

/** A typed reference to a room, such as `{ device: 'OTSM-0114' }` or `{ location: 'Delhi' }`. */
export type RoomRef = { device: string } | { sensor: string } | { location: string } | { characteristic: string };

/** An id is 1–128 characters of letters, digits, dot, underscore and hyphen. */
export const ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const ID_RULE = '1-128 characters of [A-Za-z0-9._-]';

export function isValidId(id: unknown): id is string {
  return typeof id === 'string' && ID_PATTERN.test(id);
}

/** Location names are case-insensitive and ignore surrounding space: "Delhi" and " delhi" are one room. */
export function normaliseLocation(name: string): string {
  return name.trim().toLowerCase();
}

export type ParsedRoom =
  | { ok: true; room: RoomName; kind: RoomKind; id: string }
  | { ok: false; code: typeof ErrorCode.INVALID_ROOM; message: string };

function isRoomKind(value: string): value is RoomKind {
  return (ROOM_KINDS as readonly string[]).includes(value);
}

function invalid(message: string): ParsedRoom {
  return { ok: false, code: ErrorCode.INVALID_ROOM, message };
}

/**
 * Parses a room name sent by a client into its canonical form.
 * Location ids are normalised before the id rule is checked.
 */
export function parseRoom(name: unknown): ParsedRoom {
  if (typeof name !== 'string') return invalid('a room name must be a string');
  const colon = name.indexOf(':');
  if (colon < 0) {
    return invalid(`room "${name.slice(0, 140)}" must look like <kind>:<id> with kind one of ${ROOM_KINDS.join(', ')}`);
  }
  const kind = name.slice(0, colon);
  if (!isRoomKind(kind)) {
    return invalid(`room kind "${kind.slice(0, 40)}" is unknown; expected one of ${ROOM_KINDS.join(', ')}`);
  }
  const rawId = name.slice(colon + 1);
  const id = kind === 'location' ? normaliseLocation(rawId) : rawId;
  if (!isValidId(id)) {
    return invalid(`room id "${rawId.slice(0, 140)}" of "${kind}" must be ${ID_RULE}`);
  }
  return { ok: true, room: `${kind}:${id}`, kind, id };
}

function build(kind: RoomKind, id: string): RoomName {
  const parsed = parseRoom(`${kind}:${id}`);
  if (!parsed.ok) throw new RoomcastError(parsed.code, parsed.message);
  return parsed.room;
}

export const deviceRoom = (deviceId: string): RoomName => build('device', deviceId);
export const sensorRoom = (sensorId: string): RoomName => build('sensor', sensorId);
export const locationRoom = (location: string): RoomName => build('location', location);
export const characteristicRoom = (characteristicId: string): RoomName => build('characteristic', characteristicId);

/** The room name of a typed reference; throws `INVALID_ROOM` for a bad id. */
export function roomOf(ref: RoomRef): RoomName {
  if ('device' in ref) return deviceRoom(ref.device);
  if ('sensor' in ref) return sensorRoom(ref.sensor);
  if ('location' in ref) return locationRoom(ref.location);
  return characteristicRoom(ref.characteristic);
}
