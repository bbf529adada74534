import { locationRoom, type AqiUpdatePayload } from '@roomcast/shared';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { AqiReadingInput } from '../ingest/normalisers/types';
import type { Logger } from '../logging/logger';
import type { Store } from '../store/store';
import { computeAqi } from './aqi';

export interface AqiServiceOptions {
  store: Store;
  broadcaster: Broadcaster;
  logger: Logger;
  /** Rooms with at least one member right now. */
  occupied: (room: string) => boolean;
  /** How often the latest AQI of every watched location is broadcast again. */
  refreshIntervalMs: number;
}

/**
 * Turns readings into `aqi_update` events: computes the index, stores the update, then
 * broadcasts it into the location's room. AQI dashboards expect a steady beat, so the
 * latest AQI of every location someone watches is broadcast again every interval.
 */
export class AqiService {
  private readonly chains = new Map<string, Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private readonly known = new Set<string>();
  private unsaved = 0;
  private notes = 0;

  constructor(private readonly options: AqiServiceOptions) {}

  async restore(): Promise<void> {
    for (const { location } of await this.options.store.aqiLocations()) this.known.add(location);
  }

  start(): void {
    this.timer = setInterval(() => this.rebroadcast(), this.options.refreshIntervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer !== null) clearInterval(this.timer);
    this.timer = null;
  }

  accept(reading: AqiReadingInput): Promise<void> {
    const previous = this.chains.get(reading.location) ?? Promise.resolve();
    const next = previous
      .then(() => this.process(reading))
      .catch((error: unknown) => {
        this.options.logger.error('AQI reading failed', { location: reading.location, error });
      });
    this.chains.set(reading.location, next);
    void next.then(() => {
      if (this.chains.get(reading.location) === next) this.chains.delete(reading.location);
    });
    return next;
  }

  private async process(reading: AqiReadingInput): Promise<void> {
    const result = computeAqi(reading.concentrations);
    for (const note of result?.notes ?? []) {
      this.notes += 1;
      this.options.logger.info('AQI note', { location: reading.location, note });
    }
    if (result === null) return;
    const payload: AqiUpdatePayload = {
      location: reading.location,
      aqi: {
        value: result.value,
        category: result.category,
        color: result.color,
        dominantPollutant: result.dominantPollutant,
      },
      pollutants: result.pollutants,
      timestamp: reading.timestamp,
    };
    try {
      await this.options.store.saveAqi(payload);
    } catch (error) {
      this.unsaved += 1;
      this.options.logger.error('AQI update could not be stored; broadcasting it anyway', { error });
    }
    this.known.add(reading.location);
    this.options.broadcaster.publish(locationRoom(reading.location), 'aqi_update', payload);
  }

  /** Sends the latest AQI of each location with subscribers to its room again. */
  rebroadcast(): number {
    let sent = 0;
    for (const location of this.known) {
      const room = locationRoom(location);
      if (!this.options.occupied(room)) continue;
      const latest = this.options.broadcaster.latestOf(room, 'aqi_update');
      if (latest === undefined) continue;
      this.options.broadcaster.resend(room, 'aqi_update', latest);
      sent += 1;
    }
    return sent;
  }

  async drain(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  counters(): Record<string, number> {
    return { unsavedAqi: this.unsaved, aqiNotes: this.notes };
  }
}
