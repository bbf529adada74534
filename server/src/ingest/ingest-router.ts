import { deviceRoom, sensorRoom, type RoomName } from '@roomcast/shared';
import type { AlertService } from '../alerts/alert-service';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { Store } from '../store/store';
import type { IngestSink, MessageSource } from './ingest-pipeline';
import type { AqiReadingInput, IngestEvent, SpcSampleInput } from './normalisers/types';

/** An engine that takes one kind of input and handles it on its own (its promise never rejects). */
export interface EngineInput<T> {
  accept(input: T): Promise<void>;
}

export interface IngestRouterDeps {
  broadcaster: Broadcaster;
  store: Store | null;
  alerts: AlertService | null;
  spc: EngineInput<SpcSampleInput> | null;
  aqi: EngineInput<AqiReadingInput> | null;
}

/**
 * Sends each accepted event where it belongs: telemetry into history, device data through
 * the alert rules, and everything into its room. Out-of-order messages (older than the
 * room's latest of the same kind) are kept in history but not broadcast, so a dashboard
 * never steps back to a stale value; they are counted.
 */
export class IngestRouter implements IngestSink {
  private outOfOrder = 0;
  private awaitingEngine = 0;

  constructor(private readonly deps: IngestRouterDeps) {}

  deliver(event: IngestEvent, source: MessageSource): void {
    const { broadcaster, store, alerts, spc, aqi } = this.deps;
    switch (event.kind) {
      case 'device:data': {
        const { payload } = event;
        store?.enqueueTelemetry({
          source: 'device',
          sourceId: payload.deviceId,
          timestamp: payload.timestamp,
          payload,
        });
        const room = deviceRoom(payload.deviceId);
        if (!this.isStale(room, 'device:data', payload.timestamp)) broadcaster.publish(room, 'device:data', payload);
        void alerts?.evaluate(payload, source.family, event.thresholds);
        return;
      }
      case 'device:status': {
        const room = deviceRoom(event.payload.deviceId);
        if (!this.isStale(room, 'device:status', event.payload.timestamp)) {
          broadcaster.publish(room, 'device:status', event.payload);
        }
        return;
      }
      case 'sensor_reading': {
        const { payload } = event;
        store?.enqueueTelemetry({
          source: 'sensor',
          sourceId: payload.sensorId,
          timestamp: payload.timestamp,
          payload,
        });
        const room = sensorRoom(payload.sensorId);
        if (!this.isStale(room, 'sensor_reading', payload.timestamp))
          broadcaster.publish(room, 'sensor_reading', payload);
        return;
      }
      case 'spc_sample':
        if (spc === null) this.awaitingEngine += 1;
        else void spc.accept(event.sample);
        return;
      case 'aqi_reading':
        if (aqi === null) this.awaitingEngine += 1;
        else void aqi.accept(event.reading);
        return;
    }
  }

  private isStale(
    room: RoomName,
    event: 'device:data' | 'device:status' | 'sensor_reading',
    timestamp: string,
  ): boolean {
    const latest = this.deps.broadcaster.latestOf(room, event);
    if (latest === undefined || Date.parse(timestamp) >= Date.parse(latest.timestamp)) return false;
    this.outOfOrder += 1;
    return true;
  }

  counters(): Record<string, number> {
    return { outOfOrder: this.outOfOrder, awaitingEngine: this.awaitingEngine };
  }
}
