import {
  ErrorCode,
  parseRoom,
  ROOM_KINDS,
  roomOf,
  RoomcastError,
  type ParsedRoom,
  type RoomKind,
  type RoomRef,
} from '@roomcast/shared';
import type { RoomTarget } from './types';

/** The kind of room a target names, as precisely as its type allows (a plain string: any kind). */
export type KindOfTarget<T> = T extends { device: string }
  ? 'device'
  : T extends { sensor: string }
    ? 'sensor'
    : T extends { location: string }
      ? 'location'
      : T extends { characteristic: string }
        ? 'characteristic'
        : T extends `${infer K}:${string}`
          ? K extends RoomKind
            ? K
            : RoomKind
          : RoomKind;

function refKind(ref: RoomRef): RoomKind | undefined {
  return ROOM_KINDS.find((kind) => typeof (ref as Record<string, unknown>)[kind] === 'string');
}

/**
 * The canonical room of a name or typed reference (`{ location: ' Delhi' }` → `location:delhi`),
 * or why it is not one. Never throws: an invalid room becomes a subscription in `error`.
 */
export function resolveRoom(target: RoomTarget): ParsedRoom {
  if (typeof target === 'string') return parseRoom(target);
  // Checked first: roomOf would read `characteristic` from any object it does not recognise.
  if (typeof target !== 'object' || target === null || refKind(target) === undefined) {
    return {
      ok: false,
      code: ErrorCode.INVALID_ROOM,
      message: `a room reference names one of ${ROOM_KINDS.join(', ')}`,
    };
  }
  try {
    return parseRoom(roomOf(target));
  } catch (error) {
    if (error instanceof RoomcastError && error.code === ErrorCode.INVALID_ROOM) {
      return { ok: false, code: ErrorCode.INVALID_ROOM, message: error.message };
    }
    throw error;
  }
}

/** A stable name for any target, valid or not: the canonical room, else the target as written. */
export function roomLabel(target: RoomTarget): string {
  const parsed = resolveRoom(target);
  if (parsed.ok) return parsed.room;
  if (typeof target === 'string') return target;
  const kind = refKind(target);
  return kind === undefined ? JSON.stringify(target) : `${kind}:${String((target as Record<string, unknown>)[kind])}`;
}
