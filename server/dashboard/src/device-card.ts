import type { Subscription } from '@roomcast/client';
import type { HistoryEntry, MetricValue, RoomName } from '@roomcast/shared';
import { createTimeSeriesChart } from './charts';
import { h, replace, setText } from './dom';
import { formatTime, formatValue, metricLabel } from './format';
import { watchSubscriptionState, type RoomView } from './room-view';
import { TelemetrySeries, type TelemetryPoint } from './telemetry-series';

/** Units of the soil sensors' fixed fields; device telemetry carries bare numbers. */
const SENSOR_UNITS: Record<string, string> = { moisture: '%', temperature: '°C', humidity: '%', light: 'lx' };

interface CardParts {
  readonly element: HTMLElement;
  readonly status: HTMLElement;
  readonly metrics: HTMLElement;
  readonly chartSlot: HTMLElement;
  readonly updated: HTMLElement;
  readonly notice: HTMLElement;
}

function cardParts(kind: 'device' | 'sensor', id: string): CardParts {
  const status = h('span', { class: 'pill', testid: `${kind}-status`, data: { online: 'unknown' } }, 'No status yet');
  const metrics = h('div', { class: 'metrics', testid: 'metrics' });
  const chartSlot = h('div', { class: 'chart-slot' });
  const updated = h('span', { class: 'muted small', testid: 'updated' }, 'Waiting for data…');
  const notice = h('div', { class: 'card-notice', attrs: { hidden: '' } });
  const element = h(
    'section',
    { class: 'card', testid: `${kind}-card`, data: { room: `${kind}:${id}`, [kind]: id } },
    h(
      'header',
      { class: 'card-header' },
      h('div', { class: 'card-title' }, h('span', { class: 'kind' }, kind), h('h2', {}, id)),
      kind === 'device' ? status : null,
    ),
    notice,
    metrics,
    chartSlot,
    h('footer', { class: 'card-footer' }, updated),
  );
  return { element, status, metrics, chartSlot, updated, notice };
}

/**
 * A device's or a soil sensor's card: every metric's latest value, and a chart of the chosen numeric
 * metric, filled first from the history the subscription brings and then live.
 */
export function createTelemetryCard(
  room: RoomName,
  kind: 'device' | 'sensor',
  id: string,
  subscription: Subscription,
): RoomView {
  const parts = cardParts(kind, id);
  const series = new TelemetrySeries();
  const chart = createTimeSeriesChart({ label: '', testid: `${kind}-chart` });
  parts.chartSlot.append(chart.element);
  let selected: string | null = null;
  const tiles = new Map<string, { tile: HTMLButtonElement; value: HTMLElement }>();

  const tileFor = (metric: string): { tile: HTMLButtonElement; value: HTMLElement } => {
    const existing = tiles.get(metric);
    if (existing !== undefined) return existing;
    const value = h('span', { class: 'metric-value', testid: 'metric-value', data: { metric } });
    const unit = SENSOR_UNITS[metric];
    const tile = h(
      'button',
      { class: 'metric', testid: 'metric', data: { metric }, attrs: { type: 'button' } },
      h('span', { class: 'metric-name' }, metricLabel(metric)),
      h(
        'span',
        { class: 'metric-reading' },
        value,
        kind === 'sensor' && unit !== undefined && h('span', { class: 'unit' }, unit),
      ),
    );
    tile.addEventListener('click', () => {
      if (!tile.classList.contains('numeric')) return;
      selected = metric;
      render();
    });
    tiles.set(metric, { tile, value });
    return { tile, value };
  };

  const render = (): void => {
    const values = series.latestValues();
    const numeric = series.numericMetrics();
    if (selected === null || !numeric.includes(selected)) selected = numeric[0] ?? null;
    const ordered = values.map(([metric, { value }]) => {
      const { tile, value: valueElement } = tileFor(metric);
      setText(valueElement, formatValue(value));
      tile.classList.toggle('numeric', typeof value === 'number');
      tile.classList.toggle('selected', metric === selected);
      tile.setAttribute('aria-pressed', String(metric === selected));
      tile.title = typeof value === 'number' ? `Chart ${metricLabel(metric)}` : metricLabel(metric);
      return tile;
    });
    // Re-append only when a metric appeared, so the tiles do not flicker on every value.
    if (ordered.length !== parts.metrics.children.length) replace(parts.metrics, ...ordered);
    const newest = series.newestTime();
    setText(
      parts.updated,
      newest === null ? 'Waiting for data…' : `Updated ${formatTime(new Date(newest).toISOString())}`,
    );
    if (selected === null) {
      chart.setPoints([], []);
      parts.chartSlot.dataset.metric = '';
    } else {
      const { times, values: points } = series.seriesOf(selected);
      chart.setPoints(times, points);
      parts.chartSlot.dataset.metric = selected;
    }
  };

  const add = (points: TelemetryPoint[]): void => {
    series.add(points);
    render();
  };
  const point = (timestamp: string, data: Record<string, MetricValue>): TelemetryPoint => ({
    time: Date.parse(timestamp),
    data,
  });
  const fromHistory = (entries: HistoryEntry[]): TelemetryPoint[] =>
    entries.map((entry) =>
      entry.event === 'device:data'
        ? point(entry.payload.timestamp, entry.payload.data)
        : point(entry.payload.timestamp, sensorData(entry.payload)),
    );

  const stops = [
    subscription.on('history', (entries) => add(fromHistory(entries))),
    watchSubscriptionState(subscription, parts.notice),
  ];
  if (kind === 'device') {
    stops.push(
      subscription.on('device:data', (payload) => add([point(payload.timestamp, payload.data)])),
      subscription.on('device:status', (payload) => {
        parts.status.dataset.online = String(payload.online);
        setText(parts.status, payload.online ? 'Online' : 'Offline');
        parts.status.title = `Since ${formatTime(payload.timestamp)}`;
      }),
    );
  } else {
    stops.push(subscription.on('sensor_reading', (payload) => add([point(payload.timestamp, sensorData(payload))])));
  }

  return {
    room,
    element: parts.element,
    destroy() {
      for (const stop of stops) stop();
      chart.destroy();
    },
  };
}

function sensorData(reading: {
  moisture: number;
  temperature: number;
  humidity: number;
  light: number;
}): Record<string, MetricValue> {
  return {
    moisture: reading.moisture,
    temperature: reading.temperature,
    humidity: reading.humidity,
    light: reading.light,
  };
}
