import { parseRoom, type RoomKind, type RoomName } from '@roomcast/shared';
import { h, replace } from './dom';

const KIND_LABELS: Record<RoomKind, string> = {
  device: 'Devices',
  sensor: 'Sensors',
  location: 'Locations',
  characteristic: 'Characteristics',
};

const KIND_ORDER: readonly RoomKind[] = ['device', 'sensor', 'characteristic', 'location'];

/** Suggestions shown as chips per kind; the rest stay reachable through the input's completion list. */
const CHIPS_PER_KIND = 8;

export interface RoomsList {
  readonly element: HTMLElement;
  setWatched(rooms: readonly RoomName[]): void;
  /** Rooms the gateway has reported, by kind; those already watched are left out. */
  setKnown(rooms: readonly RoomName[]): void;
}

function split(room: RoomName): { kind: RoomKind; id: string } {
  const parsed = parseRoom(room);
  if (!parsed.ok) throw new Error(`not a room: ${room}`);
  return { kind: parsed.kind, id: parsed.id };
}

/**
 * The sidebar: a box to watch a room by name (with completion from the rooms the gateway reported),
 * the watched rooms with a way to stop watching each, and the reported rooms not yet watched.
 */
export function createRoomsList(handlers: {
  add(room: RoomName): void;
  remove(room: RoomName): void;
  reveal(room: RoomName): void;
}): RoomsList {
  let watched: readonly RoomName[] = [];
  let known: readonly RoomName[] = [];

  const input = h('input', {
    class: 'watch-input',
    testid: 'watch-input',
    attrs: {
      type: 'text',
      list: 'known-rooms',
      placeholder: 'device:pump-7',
      autocomplete: 'off',
      spellcheck: 'false',
      'aria-label': 'Room to watch',
    },
  });
  const datalist = h('datalist', { attrs: { id: 'known-rooms' } });
  const problem = h('p', { class: 'form-error small', testid: 'watch-error', attrs: { hidden: '' } });
  const form = h(
    'form',
    { class: 'watch-form', testid: 'watch-form' },
    h('label', { class: 'section-label', attrs: { for: 'watch-input' } }, 'Watch a room'),
    h(
      'div',
      { class: 'watch-row' },
      input,
      h('button', { class: 'button primary', testid: 'watch-add', attrs: { type: 'submit' } }, 'Add'),
    ),
    problem,
    datalist,
  );
  input.id = 'watch-input';
  const watchedList = h('ul', { class: 'room-list', testid: 'watched-rooms' });
  const suggestions = h('div', { class: 'suggestions', testid: 'room-suggestions' });
  const element = h(
    'nav',
    { class: 'sidebar', attrs: { 'aria-label': 'Rooms' } },
    form,
    h('h2', { class: 'section-label' }, 'Watching'),
    watchedList,
    h('h2', { class: 'section-label' }, 'Seen by the gateway'),
    suggestions,
  );

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const parsed = parseRoom(input.value.trim());
    if (!parsed.ok) {
      replace(
        problem,
        input.value.includes(':') ? parsed.message : 'Write kind:id, such as device:pump-7 or location:delhi.',
      );
      problem.hidden = false;
      return;
    }
    problem.hidden = true;
    input.value = '';
    handlers.add(parsed.room);
  });
  input.addEventListener('input', () => {
    problem.hidden = true;
  });

  const groupsOf = (rooms: readonly RoomName[]): [RoomKind, RoomName[]][] => {
    const byKind = new Map<RoomKind, RoomName[]>(KIND_ORDER.map((kind) => [kind, []]));
    for (const room of rooms) byKind.get(split(room).kind)?.push(room);
    return [...byKind.entries()].filter(([, members]) => members.length > 0);
  };

  const renderWatched = (): void => {
    if (watched.length === 0) {
      replace(watchedList, h('li', { class: 'muted small room-empty' }, 'Nothing yet.'));
      return;
    }
    replace(
      watchedList,
      ...groupsOf(watched).map(([kind, rooms]) =>
        h(
          'li',
          { class: 'room-group' },
          h('h3', { class: 'suggestion-kind' }, KIND_LABELS[kind]),
          h(
            'ul',
            { class: 'room-items' },
            ...rooms.map((room) => {
              const remove = h(
                'button',
                {
                  class: 'icon-button',
                  testid: 'room-remove',
                  attrs: { type: 'button', 'aria-label': `Stop watching ${room}`, title: 'Stop watching' },
                },
                '×',
              );
              remove.addEventListener('click', () => handlers.remove(room));
              const link = h(
                'button',
                { class: 'room-link', attrs: { type: 'button', title: `Show ${room}` } },
                split(room).id,
              );
              link.addEventListener('click', () => handlers.reveal(room));
              return h('li', { class: 'room-item', testid: 'watched-room', data: { room } }, link, remove);
            }),
          ),
        ),
      ),
    );
  };

  const renderKnown = (): void => {
    const unwatched = known.filter((room) => !watched.includes(room));
    replace(datalist, ...unwatched.map((room) => h('option', { attrs: { value: room } })));
    const groups = groupsOf(unwatched).map(([kind, rooms]) =>
      h(
        'div',
        { class: 'suggestion-group' },
        h('h3', { class: 'suggestion-kind' }, KIND_LABELS[kind]),
        h(
          'div',
          { class: 'chips' },
          ...rooms.slice(0, CHIPS_PER_KIND).map((room) => {
            const chip = h(
              'button',
              {
                class: 'chip',
                testid: 'room-suggestion',
                data: { room },
                attrs: { type: 'button', title: `Watch ${room}` },
              },
              `+ ${split(room).id}`,
            );
            chip.addEventListener('click', () => handlers.add(room));
            return chip;
          }),
          rooms.length > CHIPS_PER_KIND &&
            h('span', { class: 'muted small' }, `${rooms.length - CHIPS_PER_KIND} more in the box above`),
        ),
      ),
    );
    replace(
      suggestions,
      ...(groups.length === 0
        ? [
            h(
              'p',
              { class: 'muted small' },
              'Locations, characteristics and devices with alerts appear here as the gateway reports them.',
            ),
          ]
        : groups),
    );
  };

  renderWatched();
  renderKnown();
  return {
    element,
    setWatched(rooms) {
      watched = rooms;
      renderWatched();
      renderKnown();
    },
    setKnown(rooms) {
      known = rooms;
      renderKnown();
    },
  };
}
