import type { Alert, AlertSeverity, Comparison, IsoTimestamp, MetricValue } from '@roomcast/shared';
import type { DeviceThreshold } from '../ingest/normalisers';
import { DEVICE_RULE_PREFIX, deviceThresholdRules, RulesError } from './alert-rule';
import type { AlertRule } from './alert-rule';

/** One device's data as the engine sees it; the ingest pipeline builds it from a `device:data` event. */
export interface AlertSample {
  deviceId: string;
  /** The normaliser the data came in through, such as `subtronics` or `device-telemetry`. */
  family: string;
  data: Readonly<Record<string, MetricValue>>;
  timestamp: IsoTimestamp;
  /** The device's own set points; they act as rules for this sample (see `deviceThresholdRules`). */
  deviceThresholds?: readonly DeviceThreshold[];
}

export type AlertChange = 'raised' | 'escalated' | 'cleared';

export interface AlertTransition {
  change: AlertChange;
  /** The alert after the change; a fresh object the caller may keep or change. */
  alert: Alert;
}

/** The sample cannot be evaluated; nothing in the engine changed. */
export class AlertEngineError extends Error {
  readonly code = 'ALERT_SAMPLE_INVALID' as const;

  constructor(message: string) {
    super(message);
    this.name = 'AlertEngineError';
  }
}

export type AlertLevel = 'none' | AlertSeverity;

const SYMBOLS: Readonly<Record<Comparison, string>> = { gt: '>', gte: '≥', lt: '<', lte: '≤' };

function crosses(comparison: Comparison, value: number, threshold: number): boolean {
  switch (comparison) {
    case 'gt':
      return value > threshold;
    case 'gte':
      return value >= threshold;
    case 'lt':
      return value < threshold;
    case 'lte':
      return value <= threshold;
  }
}

function isRising(comparison: Comparison): boolean {
  return comparison === 'gt' || comparison === 'gte';
}

/** The level a value reaches under a rule, ignoring duration and deadband. */
export function levelOf(rule: AlertRule, value: number): AlertLevel {
  if (crosses(rule.comparison, value, rule.alarm_level_2)) return 'critical';
  if (crosses(rule.comparison, value, rule.alarm_level_1)) return 'warning';
  return 'none';
}

/** Whether an active alert of the rule clears at this value: back inside level 1 by more than the deadband. */
export function clearsAt(rule: AlertRule, value: number): boolean {
  return isRising(rule.comparison)
    ? value < rule.alarm_level_1 - rule.deadband
    : value > rule.alarm_level_1 + rule.deadband;
}

/** `*` stands for any run of characters; everything else is literal. */
export function devicePatternToRegExp(pattern: string): RegExp {
  const literal = pattern.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\-]/g, '\\$&'));
  return new RegExp(`^${literal.join('.*')}$`);
}

/** Whole numbers as written; fractions to 12 significant digits, so float noise (0.30000000000000004) is not shown. */
function formatNumber(value: number): string {
  return String(Number.parseFloat(value.toPrecision(12)));
}

/** What the engine knows about one (device, rule). */
interface Track {
  alert: Alert | null;
  /** Start, in ms, of the current unbroken run of samples at warning or above; null when not in one. */
  warningSince: number | null;
  /** Start, in ms, of the current unbroken run of samples at critical. */
  criticalSince: number | null;
  /** The latest sample time evaluated; older samples are ignored. */
  lastMs: number;
  /** For a device-threshold rule, the family whose samples carry it; null for configured rules and until known. */
  family: string | null;
}

type Standing = { kind: 'kept' } | { kind: 'gone'; message: string };

/**
 * Turns samples into alert transitions. PURE apart from its own state: no I/O,
 * no clock and no timers. Time is the samples' timestamps and alert ids come
 * from `newId`, so a test (or a replay) drives it exactly.
 *
 * Per (device, rule), an alert is raised once when a condition starts, may
 * escalate once from warning to critical, and clears when the value is back
 * inside level 1 by more than the deadband. It never de-escalates: operators
 * must see the worst level reached until the condition is over, not a warning
 * that hides a critical excursion a moment ago.
 *
 * While an alert is active the engine does not emit a transition per sample;
 * its copy (and `value`) changes only with a transition, so what `activeFor`
 * returns is what was last emitted and stored. Live values travel as device data.
 *
 * Rules changed by `setRules` take effect on each device's next sample. An
 * active alert whose rule is removed, disabled or no longer matches the device
 * is cleared then with the message "rule removed", "rule disabled" or "rule no
 * longer applies to this device": left active it could never clear, since
 * nothing evaluates it any more. A device-threshold alert is cleared as "rule
 * removed" when a sample of the same family no longer carries that threshold;
 * one restored after a restart learns its family from the first sample that
 * carries its threshold.
 */
export class AlertEngine {
  private rules: readonly AlertRule[] = [];
  private rulesById = new Map<string, AlertRule>();
  private patterns = new Map<string, RegExp>();
  /** deviceId → ruleId → track. */
  private readonly tracks = new Map<string, Map<string, Track>>();

  /** @throws RulesError on duplicate ids (parseRules already refuses them; this guards other callers). */
  setRules(rules: readonly AlertRule[]): void {
    const byId = new Map<string, AlertRule>();
    for (const rule of rules) {
      if (byId.has(rule.id)) throw new RulesError(`rule id ${JSON.stringify(rule.id)} is used twice`);
      byId.set(rule.id, { ...rule });
    }
    this.rules = [...byId.values()];
    this.rulesById = byId;
    this.patterns = new Map(this.rules.map((rule) => [rule.devices, devicePatternToRegExp(rule.devices)]));
  }

  /**
   * Loads alerts that were active before a restart, so the condition that raised
   * them does not raise them again. Cleared alerts are ignored; of two active
   * alerts for one (device, rule), the one raised later is kept.
   */
  restore(alerts: readonly Alert[]): void {
    for (const alert of alerts) {
      if (alert.state !== 'active') continue;
      const tracks = this.tracksOf(alert.deviceId);
      const existing = tracks.get(alert.ruleId)?.alert;
      if (existing && Date.parse(existing.raisedAt) > Date.parse(alert.raisedAt)) continue;
      const updated = Date.parse(alert.updatedAt);
      tracks.set(alert.ruleId, {
        alert: { ...alert },
        warningSince: null,
        criticalSince: null,
        lastMs: Number.isNaN(updated) ? -Infinity : updated,
        family: null,
      });
    }
  }

  /**
   * Records an acknowledgement so a later escalation or clear carries it.
   * Only the ack fields are taken. Returns false when the alert is not active here.
   */
  acknowledged(alert: Alert): boolean {
    const current = this.tracks.get(alert.deviceId)?.get(alert.ruleId)?.alert;
    if (!current || current.alertId !== alert.alertId) return false;
    current.acknowledged = alert.acknowledged;
    current.ackUser = alert.ackUser;
    current.ackReason = alert.ackReason;
    current.ackAt = alert.ackAt;
    return true;
  }

  /** The device's active alerts, as fresh objects. */
  activeFor(deviceId: string): Alert[] {
    const active: Alert[] = [];
    for (const track of this.tracks.get(deviceId)?.values() ?? []) {
      if (track.alert) active.push({ ...track.alert });
    }
    return active;
  }

  /**
   * Evaluates one sample. Transitions come in a stable order: alerts of rules
   * that are gone, then configured rules in their order, then device thresholds.
   *
   * @throws AlertEngineError when the timestamp is not a date; RulesError when
   * the device thresholds are malformed. Both before any state changes.
   */
  evaluate(sample: AlertSample, newId: () => string): AlertTransition[] {
    const now = Date.parse(sample.timestamp);
    if (Number.isNaN(now)) {
      throw new AlertEngineError(`sample of ${sample.deviceId} has an invalid timestamp ${sample.timestamp}`);
    }
    const deviceRules = deviceThresholdRules(sample.deviceId, sample.deviceThresholds ?? []);
    const deviceRuleIds = new Set(deviceRules.map((rule) => rule.id));
    const tracks = this.tracksOf(sample.deviceId);
    const transitions: AlertTransition[] = [];

    for (const [ruleId, track] of tracks) {
      const standing = this.standing(ruleId, track, sample, deviceRuleIds);
      if (standing.kind === 'kept') continue;
      if (track.alert === null) {
        tracks.delete(ruleId);
      } else if (now >= track.lastMs) {
        transitions.push(clear(track, track.alert, track.alert.value, sample.timestamp, standing.message));
        tracks.delete(ruleId);
      }
    }

    const applicable = this.rules.filter(
      (rule) => this.applies(rule, sample.deviceId) && (rule.family === undefined || rule.family === sample.family),
    );
    for (const rule of applicable) this.step(rule, sample, now, null, newId, transitions);
    for (const rule of deviceRules) this.step(rule, sample, now, sample.family, newId, transitions);

    if (tracks.size === 0) this.tracks.delete(sample.deviceId);
    return transitions;
  }

  private tracksOf(deviceId: string): Map<string, Track> {
    let tracks = this.tracks.get(deviceId);
    if (!tracks) {
      tracks = new Map();
      this.tracks.set(deviceId, tracks);
    }
    return tracks;
  }

  private applies(rule: AlertRule, deviceId: string): boolean {
    return rule.enabled && (this.patterns.get(rule.devices)?.test(deviceId) ?? false);
  }

  /** Whether a tracked rule still exists for this device. A rule of another family is kept, merely not evaluated. */
  private standing(ruleId: string, track: Track, sample: AlertSample, deviceRuleIds: Set<string>): Standing {
    if (ruleId.startsWith(DEVICE_RULE_PREFIX)) {
      if (deviceRuleIds.has(ruleId) || track.family !== sample.family) return { kind: 'kept' };
      return { kind: 'gone', message: 'rule removed' };
    }
    const rule = this.rulesById.get(ruleId);
    if (!rule) return { kind: 'gone', message: 'rule removed' };
    if (!rule.enabled) return { kind: 'gone', message: 'rule disabled' };
    if (!this.applies(rule, sample.deviceId)) return { kind: 'gone', message: 'rule no longer applies to this device' };
    return { kind: 'kept' };
  }

  private step(
    rule: AlertRule,
    sample: AlertSample,
    now: number,
    family: string | null,
    newId: () => string,
    transitions: AlertTransition[],
  ): void {
    // Own properties only: a metric named `constructor` must not find Object's.
    const value = Object.hasOwn(sample.data, rule.metric) ? sample.data[rule.metric] : undefined;
    if (typeof value !== 'number' || !Number.isFinite(value)) return;
    const tracks = this.tracksOf(sample.deviceId);
    let track = tracks.get(rule.id);
    if (!track) {
      track = { alert: null, warningSince: null, criticalSince: null, lastMs: -Infinity, family };
      tracks.set(rule.id, track);
    }
    if (now < track.lastMs) return;
    track.lastMs = now;
    if (family !== null) track.family = family;

    const level = levelOf(rule, value);
    track.warningSince = level === 'none' ? null : (track.warningSince ?? now);
    track.criticalSince = level === 'critical' ? (track.criticalSince ?? now) : null;
    const held = (since: number | null): boolean => since !== null && now - since >= rule.duration_ms;

    const label = metricLabel(rule.metric, sample);
    if (track.alert) {
      if (clearsAt(rule, value)) {
        const back = isRising(rule.comparison) ? 'below' : 'above';
        const bound = isRising(rule.comparison)
          ? rule.alarm_level_1 - rule.deadband
          : rule.alarm_level_1 + rule.deadband;
        const message = `${label} ${formatNumber(value)} back ${back} ${formatNumber(bound)} (cleared)`;
        transitions.push(clear(track, track.alert, value, sample.timestamp, message));
      } else if (track.alert.severity === 'warning' && held(track.criticalSince)) {
        track.alert = {
          ...track.alert,
          severity: 'critical',
          comparison: rule.comparison,
          threshold: rule.alarm_level_2,
          value,
          message: conditionMessage(label, value, rule, 'critical'),
          updatedAt: sample.timestamp,
        };
        transitions.push({ change: 'escalated', alert: { ...track.alert } });
      }
      return;
    }
    // The warning run starts no later than the critical run, so a held critical implies a held warning.
    const severity: AlertSeverity | null = held(track.criticalSince)
      ? 'critical'
      : held(track.warningSince)
        ? 'warning'
        : null;
    if (severity === null) return;
    track.alert = {
      alertId: newId(),
      deviceId: sample.deviceId,
      ruleId: rule.id,
      metric: rule.metric,
      severity,
      state: 'active',
      comparison: rule.comparison,
      threshold: severity === 'critical' ? rule.alarm_level_2 : rule.alarm_level_1,
      value,
      message: conditionMessage(label, value, rule, severity),
      raisedAt: sample.timestamp,
      updatedAt: sample.timestamp,
      clearedAt: null,
      acknowledged: false,
      ackUser: null,
      ackReason: null,
      ackAt: null,
    };
    transitions.push({ change: 'raised', alert: { ...track.alert } });
  }
}

/** Acknowledgement is kept: who acknowledged the alert stays part of its record. */
function clear(track: Track, active: Alert, value: number, timestamp: IsoTimestamp, message: string): AlertTransition {
  track.alert = null;
  track.warningSince = null;
  track.criticalSince = null;
  const alert: Alert = { ...active, state: 'cleared', value, message, updatedAt: timestamp, clearedAt: timestamp };
  return { change: 'cleared', alert };
}

/** SubTronics detectors name their gas: "CO concentration" reads faster on a dashboard than "concentration". */
function metricLabel(metric: string, sample: AlertSample): string {
  const gas = sample.family === 'subtronics' ? sample.data.gas : undefined;
  return typeof gas === 'string' ? `${gas} ${metric}` : metric;
}

function conditionMessage(label: string, value: number, rule: AlertRule, severity: AlertSeverity): string {
  const threshold = severity === 'critical' ? rule.alarm_level_2 : rule.alarm_level_1;
  return `${label} ${formatNumber(value)} ${SYMBOLS[rule.comparison]} ${formatNumber(threshold)} (${severity})`;
}
