import type { MetricValue } from '@roomcast/shared';

export interface TelemetryPoint {
  /** Epoch milliseconds. */
  time: number;
  data: Record<string, MetricValue>;
}

/** Points kept per card: enough for a few minutes at 1 Hz, small enough for a page open all day. */
export const MAX_POINTS = 600;

/**
 * The recent telemetry of one device or sensor, oldest first. History (from subscribe) and live events
 * can arrive in either order and overlap, so points are merged by timestamp rather than appended.
 */
export class TelemetrySeries {
  private points: TelemetryPoint[] = [];
  private readonly latest = new Map<string, { value: MetricValue; time: number }>();

  add(incoming: readonly TelemetryPoint[]): void {
    if (incoming.length === 0) return;
    const last = this.points[this.points.length - 1];
    const inOrder = incoming.every((point, index) => {
      const before = index === 0 ? last : incoming[index - 1];
      return before === undefined || point.time > before.time;
    });
    if (inOrder) {
      this.points.push(...incoming);
    } else {
      const byTime = new Map<number, TelemetryPoint>();
      for (const point of [...this.points, ...incoming]) {
        const existing = byTime.get(point.time);
        byTime.set(
          point.time,
          existing === undefined ? point : { time: point.time, data: { ...existing.data, ...point.data } },
        );
      }
      this.points = [...byTime.values()].sort((a, b) => a.time - b.time);
    }
    if (this.points.length > MAX_POINTS) this.points.splice(0, this.points.length - MAX_POINTS);
    for (const point of incoming) {
      for (const [metric, value] of Object.entries(point.data)) {
        const current = this.latest.get(metric);
        if (current === undefined || point.time >= current.time) this.latest.set(metric, { value, time: point.time });
      }
    }
  }

  /** Every metric seen, with its newest value, in the order the device first sent them (its own order). */
  latestValues(): [string, { value: MetricValue; time: number }][] {
    return [...this.latest.entries()];
  }

  newestTime(): number | null {
    let newest: number | null = null;
    for (const { time } of this.latest.values()) newest = newest === null || time > newest ? time : newest;
    return newest;
  }

  numericMetrics(): string[] {
    return this.latestValues()
      .filter(([, { value }]) => typeof value === 'number')
      .map(([metric]) => metric);
  }

  /** One metric's points for a chart; a point without that metric is left out rather than drawn as zero. */
  seriesOf(metric: string): { times: number[]; values: number[] } {
    const times: number[] = [];
    const values: number[] = [];
    for (const point of this.points) {
      const value = point.data[metric];
      if (typeof value !== 'number') continue;
      times.push(point.time);
      values.push(value);
    }
    return { times, values };
  }
}
