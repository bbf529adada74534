import type { Subscription } from '@roomcast/client';
import type { AqiUpdatePayload, RoomName } from '@roomcast/shared';
import { h, setText } from './dom';
import { formatNumber, formatTime } from './format';
import { watchSubscriptionState, type RoomView } from './room-view';

const POLLUTANT_LABELS: Record<string, string> = {
  pm25: 'PM2.5',
  pm10: 'PM10',
  o3: 'O₃',
  co: 'CO',
  so2: 'SO₂',
  no2: 'NO₂',
};

/** The channels of a plain `#rrggbb` colour; anything else from the payload is refused, never put into a style. */
function channels(color: string): [number, number, number] | null {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (match === null) return null;
  return [parseInt(match[1] ?? '0', 16), parseInt(match[2] ?? '0', 16), parseInt(match[3] ?? '0', 16)];
}

export interface AqiTile extends RoomView {
  show(update: Pick<AqiUpdatePayload, 'location' | 'aqi' | 'timestamp'> & Partial<AqiUpdatePayload>): void;
}

/**
 * One location's Air Quality Index: the value, its category in the category's EPA colour, the dominant
 * pollutant and each pollutant's sub-index. The colour sits on a band and a dot, with a faint tint of
 * the tile, so a wall of tiles stays calm while the category still reads at a glance.
 */
export function createAqiTile(room: RoomName, location: string, subscription: Subscription): AqiTile {
  const value = h('span', { class: 'aqi-value', testid: 'aqi-value' }, '—');
  const dot = h('span', { class: 'aqi-dot', attrs: { 'aria-hidden': 'true' } });
  const categoryText = h('span', { testid: 'aqi-category' }, 'No reading yet');
  const category = h('span', { class: 'aqi-category' }, dot, categoryText);
  const band = h('div', { class: 'aqi-band' });
  const dominant = h('span', { class: 'muted small' });
  const pollutants = h('dl', { class: 'aqi-pollutants' });
  const updated = h('span', { class: 'muted small' });
  const notice = h('div', { class: 'card-notice', attrs: { hidden: '' } });
  const element = h(
    'section',
    { class: 'aqi-tile', testid: 'aqi-tile', data: { room, location } },
    band,
    h(
      'div',
      { class: 'aqi-body' },
      h('div', { class: 'aqi-head' }, h('h3', {}, location), updated),
      notice,
      h('div', { class: 'aqi-main' }, value, h('span', { class: 'muted small' }, 'AQI')),
      h('div', { class: 'aqi-side' }, category, dominant),
      pollutants,
    ),
  );
  let shownAt = 0;

  const show: AqiTile['show'] = (update) => {
    const time = Date.parse(update.timestamp);
    // The gateway re-broadcasts periodically and REST may answer after the socket: keep the newest.
    if (time < shownAt) return;
    shownAt = time;
    setText(value, String(update.aqi.value));
    setText(categoryText, update.aqi.category);
    setText(dominant, `Dominant: ${POLLUTANT_LABELS[update.aqi.dominantPollutant] ?? update.aqi.dominantPollutant}`);
    setText(updated, formatTime(update.timestamp));
    element.dataset.category = update.aqi.category;
    // EPA's colours are loud at full strength: solid on the band and the dot, a faint tint on the tile.
    const rgb = channels(update.aqi.color);
    band.style.background = rgb === null ? '' : `rgb(${rgb.join(', ')})`;
    dot.style.background = band.style.background;
    element.style.background = rgb === null ? '' : `rgba(${rgb.join(', ')}, 0.05)`;
    if (update.pollutants !== undefined) {
      pollutants.replaceChildren(
        ...Object.entries(update.pollutants).flatMap(([pollutant, index]) =>
          index === undefined
            ? []
            : [
                h(
                  'div',
                  { class: 'aqi-pollutant' },
                  h('dt', {}, POLLUTANT_LABELS[pollutant] ?? pollutant),
                  h('dd', {}, formatNumber(index.aqi)),
                ),
              ],
        ),
      );
    }
  };

  const stops = [subscription.on('aqi_update', show), watchSubscriptionState(subscription, notice)];
  return {
    room,
    element,
    show,
    destroy() {
      for (const stop of stops) stop();
    },
  };
}
