import type { Subscription } from '@roomcast/client';
import { parseRoom, type RoomName } from '@roomcast/shared';
import type { LocationSummary } from './api';
import { createAlertsPanel } from './alerts-panel';
import { createAqiTile, type AqiTile } from './aqi-tiles';
import { createConnectionIndicator } from './connection-indicator';
import type { DashboardContext } from './context';
import { createTelemetryCard } from './device-card';
import { h, replace } from './dom';
import type { RoomView } from './room-view';
import { createRoomsList } from './rooms-list';
import { createSpcCard } from './spc-chart';
import { initialRooms, saveRooms } from './watched-rooms';

/** How often the rooms the gateway reports are read again for the sidebar. */
const DISCOVERY_INTERVAL_MS = 60_000;
/** Points of history a telemetry chart starts with. */
const HISTORY_LIMIT = 100;

interface Watched {
  view: RoomView;
  subscription: Subscription;
  stops: (() => void)[];
}

/**
 * The page once a token was accepted: header (connection, user), the rooms sidebar, the alerts panel,
 * AQI tiles and a card per watched device, sensor and characteristic. It owns one subscription per room.
 */
export function mountDashboard(root: HTMLElement, context: DashboardContext, signOut: () => void): () => void {
  const { client, user } = context;
  const indicator = createConnectionIndicator(client.state);
  let lastError = '';
  const stopError = client.on('error', (error) => {
    lastError = error.message;
    indicator.set(client.state, error.message);
  });

  const signOutButton = h(
    'button',
    { class: 'button quiet small', testid: 'sign-out', attrs: { type: 'button' } },
    'Sign out',
  );
  signOutButton.addEventListener('click', signOut);
  const header = h(
    'header',
    { class: 'topbar' },
    h('div', { class: 'brand' }, 'roomcast'),
    indicator.element,
    h(
      'div',
      { class: 'user' },
      h(
        'span',
        { class: 'user-badge', testid: 'user-badge', data: { role: user.role } },
        user.sub,
        h('span', { class: 'role' }, user.role),
      ),
      signOutButton,
    ),
  );

  const alerts = createAlertsPanel(context);
  const aqiRow = h('div', { class: 'aqi-row', testid: 'aqi-tiles' });
  const cards = h('div', { class: 'cards', testid: 'cards' });
  const empty = h(
    'div',
    { class: 'empty-state', testid: 'empty-state' },
    h('h2', {}, 'No rooms watched yet'),
    h(
      'p',
      { class: 'muted' },
      'Add a room on the left, such as device:pump-7 or location:delhi, or pick one the gateway has seen. ',
      'The alerts above cover every device your token allows, watched or not.',
    ),
  );
  // A fixed token that the gateway refuses (it expired, or the key changed) stops the client for good.
  const signInAgain = h('button', { class: 'button small primary', attrs: { type: 'button' } }, 'Sign in again');
  signInAgain.addEventListener('click', signOut);
  const bannerText = h('span', {});
  const banner = h(
    'div',
    { class: 'banner', testid: 'session-banner', attrs: { role: 'alert', hidden: '' } },
    bannerText,
    signInAgain,
  );
  let everConnected = client.state === 'connected';
  const stopState = client.on('state', ({ oldState, newState }) => {
    indicator.set(newState);
    banner.hidden = newState !== 'disconnected';
    if (newState === 'disconnected') {
      bannerText.textContent = `The gateway no longer accepts this token${lastError === '' ? '' : ` (${lastError})`}. Values on this page are no longer updated.`;
    }
    // Alerts may have changed while the connection was down.
    if (newState === 'connected' && oldState === 'connecting' && everConnected) void alerts.refresh();
    if (newState === 'connected') everConnected = true;
  });
  const main = h('main', { class: 'content' }, banner, alerts.element, aqiRow, cards, empty);

  const watched = new Map<RoomName, Watched>();
  let locations = new Map<string, LocationSummary>();

  const persist = (): void => {
    const rooms = [...watched.keys()];
    saveRooms(rooms);
    roomsList.setWatched(rooms);
    empty.hidden = rooms.length > 0;
    aqiRow.hidden = ![...watched.values()].some(({ view }) => view.room.startsWith('location:'));
  };

  const viewFor = (room: RoomName, subscription: Subscription): RoomView => {
    const parsed = parseRoom(room);
    if (!parsed.ok) throw new Error(parsed.message);
    switch (parsed.kind) {
      case 'device':
      case 'sensor':
        return createTelemetryCard(room, parsed.kind, parsed.id, subscription);
      case 'characteristic':
        return createSpcCard(room, parsed.id, subscription, context);
      case 'location': {
        const tile: AqiTile = createAqiTile(room, parsed.id, subscription);
        const known = locations.get(parsed.id);
        if (known !== undefined) tile.show({ location: known.location, aqi: known.aqi, timestamp: known.timestamp });
        return tile;
      }
    }
  };

  const watch = (room: RoomName): void => {
    if (watched.has(room)) {
      reveal(room);
      return;
    }
    const kind = room.slice(0, room.indexOf(':'));
    const wantsHistory = kind === 'device' || kind === 'sensor';
    const subscription = client.subscribe(room, wantsHistory ? { history: { limit: HISTORY_LIMIT } } : {});
    // Handlers go on before the snapshot arrives: the SDK delivers it asynchronously, after this returns.
    const view = viewFor(room, subscription);
    const stops =
      kind === 'device'
        ? [
            subscription.on('device:alerts', (payload) => alerts.applyDeviceAlerts(payload)),
            subscription.on('ack_update', (update) => alerts.applyAck(update)),
          ]
        : [];
    view.element.id = `room-${room}`;
    (kind === 'location' ? aqiRow : cards).append(view.element);
    watched.set(room, { view, subscription, stops });
    persist();
  };

  const unwatch = (room: RoomName): void => {
    const entry = watched.get(room);
    if (entry === undefined) return;
    for (const stop of entry.stops) stop();
    entry.view.destroy();
    entry.subscription.unsubscribe();
    entry.view.element.remove();
    watched.delete(room);
    persist();
  };

  const reveal = (room: RoomName): void => {
    const element = watched.get(room)?.view.element;
    if (element === undefined) return;
    element.scrollIntoView({ block: 'nearest' });
    element.classList.add('revealed');
    window.setTimeout(() => element.classList.remove('revealed'), 1200);
  };

  const roomsList = createRoomsList({ add: watch, remove: unwatch, reveal });

  /**
   * Which rooms exist: every room the gateway has seen an event in (GET /rooms), plus the
   * characteristics configured before their first sample; locations also bring their stored AQI.
   */
  const discover = async (): Promise<void> => {
    const [known, characteristics, locationList] = await Promise.all([
      context.api.rooms().catch(() => null),
      context.api.characteristics().catch(() => null),
      context.api.locations().catch(() => null),
    ]);
    const rooms = new Set<RoomName>();
    for (const entry of known ?? []) rooms.add(entry.room);
    for (const characteristic of characteristics ?? []) rooms.add(`characteristic:${characteristic.id}`);
    if (locationList !== null) {
      locations = new Map(locationList.map((summary) => [summary.location, summary]));
      for (const { location } of locationList) rooms.add(`location:${location}`);
    }
    roomsList.setKnown([...rooms].sort());
  };

  replace(root, h('div', { class: 'layout' }, header, roomsList.element, main));
  // Locations first, so their tiles start from the stored AQI instead of blank.
  void discover()
    .catch(() => undefined)
    .then(() => {
      for (const room of initialRooms()) watch(room);
      persist();
    });
  void alerts.refresh();
  const discovery = window.setInterval(() => void discover(), DISCOVERY_INTERVAL_MS);

  return () => {
    window.clearInterval(discovery);
    for (const room of [...watched.keys()]) {
      const entry = watched.get(room);
      if (entry === undefined) continue;
      for (const stop of entry.stops) stop();
      entry.view.destroy();
    }
    watched.clear();
    alerts.destroy();
    stopState();
    stopError();
  };
}
