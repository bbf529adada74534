import { deviceRoom, sensorRoom, type RoomName } from '@roomcast/shared';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { IngestSink } from './ingest-pipeline';
import type { AqiReadingInput, IngestEvent, SpcSampleInput } from './normalisers/types';

/** The engines that take SPC samples and AQI readings (their own module family). */
export interface EngineInputs {
  spcSample(sample: SpcSampleInput): void;
  aqiReading(reading: AqiReadingInput): void;
}

/**
 * Broadcasts accepted device events into their rooms. Out-of-order messages (older than
 * the room's latest of the same kind) are not broadcast, so a dashboard never steps
 * back to a stale value; they are counted.
 */
export class BroadcastSink implements IngestSink {
  private outOfOrder = 0;
  private awaitingEngine = 0;

  constructor(
    private readonly broadcaster: Broadcaster,
    private readonly engines: EngineInputs | null,
  ) {}

  deliver(event: IngestEvent): void {
    switch (event.kind) {
      case 'device:data': {
        const room = deviceRoom(event.payload.deviceId);
        if (!this.isStale(room, 'device:data', event.payload.timestamp)) {
          this.broadcaster.publish(room, 'device:data', event.payload);
        }
        return;
      }
      case 'device:status': {
        const room = deviceRoom(event.payload.deviceId);
        if (!this.isStale(room, 'device:status', event.payload.timestamp)) {
          this.broadcaster.publish(room, 'device:status', event.payload);
        }
        return;
      }
      case 'sensor_reading': {
        const room = sensorRoom(event.payload.sensorId);
        if (!this.isStale(room, 'sensor_reading', event.payload.timestamp)) {
          this.broadcaster.publish(room, 'sensor_reading', event.payload);
        }
        return;
      }
      case 'spc_sample':
        if (this.engines === null) this.awaitingEngine += 1;
        else this.engines.spcSample(event.sample);
        return;
      case 'aqi_reading':
        if (this.engines === null) this.awaitingEngine += 1;
        else this.engines.aqiReading(event.reading);
        return;
    }
  }

  private isStale(
    room: RoomName,
    event: 'device:data' | 'device:status' | 'sensor_reading',
    timestamp: string,
  ): boolean {
    const latest = this.broadcaster.latestOf(room, event);
    if (latest === undefined || Date.parse(timestamp) >= Date.parse(latest.timestamp)) return false;
    this.outOfOrder += 1;
    return true;
  }

  counters(): Record<string, number> {
    return { outOfOrder: this.outOfOrder, awaitingEngine: this.awaitingEngine };
  }
}
