import type { MetricValue } from '@roomcast/shared';

// A 24-hour clock: shorter, and unambiguous on a control-room screen.
const timeFormat = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});
const dateTimeFormat = new Intl.DateTimeFormat(undefined, {
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  hourCycle: 'h23',
});

/** Today's times as hh:mm:ss; older ones with their date, so a stale value does not pass for a fresh one. */
export function formatTime(iso: string | null | undefined, now: Date = new Date()): string {
  if (iso === null || iso === undefined) return '—';
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return '—';
  return date.toDateString() === now.toDateString() ? timeFormat.format(date) : dateTimeFormat.format(date);
}

/** Four significant digits at most, with grouping; integers stay whole. */
export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  if (Number.isInteger(value)) return value.toLocaleString();
  const magnitude = Math.abs(value);
  const digits = magnitude >= 1000 ? 0 : magnitude >= 100 ? 1 : magnitude >= 1 ? 2 : 3;
  return value.toLocaleString(undefined, { maximumFractionDigits: digits });
}

export function formatValue(value: MetricValue): string {
  if (typeof value === 'number') return formatNumber(value);
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return value;
}

const COMPARISON_SIGNS = { gt: '>', gte: '≥', lt: '<', lte: '≤' } as const;

export function comparisonSign(comparison: keyof typeof COMPARISON_SIGNS): string {
  return COMPARISON_SIGNS[comparison];
}

/** `signalStrength`, `temperature_c` → `signal strength`, `temperature c`: machine names, spaced to read. */
export function metricLabel(metric: string): string {
  return metric
    .replace(/([a-z])([A-Z0-9])/g, '$1 $2')
    .replace(/[_.]+/g, ' ')
    .toLowerCase();
}
