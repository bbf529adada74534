import { parseRoom, type RoomName } from '@roomcast/shared';

const STORAGE_KEY = 'roomcast.rooms';
const PARAM = 'rooms';

/**
 * The rooms this page watches. The address carries them (`?rooms=device:a,location:delhi`) so a view
 * can be bookmarked or shared, and localStorage remembers the last list for a page opened without one.
 */
export function initialRooms(): RoomName[] {
  const fromUrl = new URL(window.location.href).searchParams.getAll(PARAM);
  if (fromUrl.length > 0) return parseList(fromUrl.join(','));
  try {
    return parseList(localStorage.getItem(STORAGE_KEY) ?? '');
  } catch {
    return [];
  }
}

export function saveRooms(rooms: readonly RoomName[]): void {
  const url = new URL(window.location.href);
  url.searchParams.delete(PARAM);
  if (rooms.length > 0) url.searchParams.set(PARAM, rooms.join(','));
  // URLSearchParams escapes the colons and commas; they are legal in a query and read better plain.
  const search = url.search.replace(/%3A/gi, ':').replace(/%2C/gi, ',');
  window.history.replaceState(window.history.state, '', url.pathname + search + url.hash);
  try {
    localStorage.setItem(STORAGE_KEY, rooms.join(','));
  } catch {
    // Without storage the address still holds the list.
  }
}

/** Canonical, valid and distinct rooms of a comma list; invalid entries are dropped. */
export function parseList(list: string): RoomName[] {
  const rooms: RoomName[] = [];
  for (const part of list.split(',')) {
    const parsed = parseRoom(part.trim());
    if (parsed.ok && !rooms.includes(parsed.room)) rooms.push(parsed.room);
  }
  return rooms;
}
