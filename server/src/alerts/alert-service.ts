import { randomUUID } from 'node:crypto';
import { acknowledgedFields } from '../broadcast/ack-update';
import {
  deviceRoom,
  ErrorCode,
  RoomcastError,
  type Alert,
  type AuthUser,
  type DeviceDataPayload,
} from '@roomcast/shared';
import type { Broadcaster } from '../broadcast/broadcaster';
import type { DeviceThreshold } from '../ingest/normalisers/types';
import type { Logger } from '../logging/logger';
import type { Store } from '../store/store';
import { AlertEngine, type AlertTransition } from './alert-engine';
import { parseRules, type AlertRule } from './alert-rule';

export type RulesSource = 'api' | 'file' | 'none';

export interface RulesView {
  rules: AlertRule[];
  source: RulesSource;
  updatedAt: string | null;
  updatedBy: string | null;
}

/**
 * Runs device data through the alert engine and makes each transition durable before it
 * is broadcast: the alert is committed, then `device:alerts` goes into the device's room.
 * Transitions of one device are handled in order (one promise chain per device).
 */
export class AlertService {
  private readonly engine = new AlertEngine();
  private readonly chains = new Map<string, Promise<void>>();
  private rulesView: RulesView = { rules: [], source: 'none', updatedAt: null, updatedBy: null };
  private unsaved = 0;

  constructor(
    private readonly store: Store,
    private readonly broadcaster: Broadcaster,
    private readonly logger: Logger,
  ) {}

  /** Loads the rules (saved through REST, else the file's) and the alerts still active. */
  async restore(fileRules: readonly AlertRule[]): Promise<void> {
    const saved = await this.store.loadRules();
    if (saved !== null) {
      this.rulesView = {
        rules: parseRules({ rules: saved.rules }),
        source: 'api',
        updatedAt: saved.updatedAt,
        updatedBy: saved.updatedBy,
      };
    } else {
      this.rulesView = {
        rules: [...fileRules],
        source: fileRules.length > 0 ? 'file' : 'none',
        updatedAt: null,
        updatedBy: null,
      };
    }
    this.engine.setRules(this.rulesView.rules);
    this.engine.restore(await this.store.activeAlerts());
  }

  rules(): RulesView {
    return this.rulesView;
  }

  /** Validates, stores and applies a new rule set; throws BAD_REQUEST naming the bad field. */
  async replaceRules(input: unknown, user: AuthUser): Promise<RulesView> {
    let rules: AlertRule[];
    try {
      rules = parseRules(input);
    } catch (error) {
      throw new RoomcastError(ErrorCode.BAD_REQUEST, (error as Error).message);
    }
    const updatedAt = new Date().toISOString();
    await this.store.saveRules({ rules, updatedAt, updatedBy: user.sub });
    this.engine.setRules(rules);
    this.rulesView = { rules, source: 'api', updatedAt, updatedBy: user.sub };
    return this.rulesView;
  }

  /** Evaluates one device sample; returns when its transitions are stored and broadcast. */
  evaluate(payload: DeviceDataPayload, family: string, thresholds: readonly DeviceThreshold[]): Promise<void> {
    const transitions = this.engine.evaluate(
      {
        deviceId: payload.deviceId,
        family,
        data: payload.data,
        timestamp: payload.timestamp,
        deviceThresholds: [...thresholds],
      },
      () => randomUUID(),
    );
    if (transitions.length === 0) return this.chains.get(payload.deviceId) ?? Promise.resolve();
    return this.enqueue(payload.deviceId, () => this.commit(payload.deviceId, transitions));
  }

  private enqueue(deviceId: string, work: () => Promise<void>): Promise<void> {
    const previous = this.chains.get(deviceId) ?? Promise.resolve();
    const next = previous.then(work).catch((error: unknown) => {
      this.logger.error('alert handling failed', { deviceId, error });
    });
    this.chains.set(deviceId, next);
    void next.then(() => {
      if (this.chains.get(deviceId) === next) this.chains.delete(deviceId);
    });
    return next;
  }

  private async commit(deviceId: string, transitions: AlertTransition[]): Promise<void> {
    for (const { alert, change } of transitions) {
      try {
        await this.store.saveAlert(alert, change);
      } catch (error) {
        // Deliveries go on while the store is away: operators still see the alert live, and the
        // store's health says degraded. The alert is written again at its next transition or ack.
        this.unsaved += 1;
        this.logger.error('alert could not be stored; broadcasting it anyway', {
          alertId: alert.alertId,
          change,
          error,
        });
      }
    }
    const cleared = transitions.filter((t) => t.change === 'cleared').map((t) => t.alert);
    this.broadcastAlerts(deviceId, cleared);
  }

  private broadcastAlerts(deviceId: string, alsoShow: readonly Alert[]): void {
    const active = this.engine.activeFor(deviceId);
    const shown = [...active, ...alsoShow.filter((alert) => !active.some((a) => a.alertId === alert.alertId))];
    this.broadcaster.publish(deviceRoom(deviceId), 'device:alerts', { deviceId, alerts: shown });
  }

  /**
   * Acknowledges an alert: committed first, then `ack_update` and the device's alerts are
   * broadcast. Unknown → NOT_FOUND; already acknowledged → CONFLICT naming who and when.
   */
  async acknowledge(alertId: string, reason: string, user: AuthUser, expectedDeviceId?: string): Promise<Alert> {
    const existing = await this.store.getAlert(alertId);
    if (existing === null || (expectedDeviceId !== undefined && existing.deviceId !== expectedDeviceId)) {
      throw new RoomcastError(
        ErrorCode.NOT_FOUND,
        `no alert ${alertId}${expectedDeviceId ? ` on device ${expectedDeviceId}` : ''}`,
      );
    }
    const result = await this.enqueueResult(existing.deviceId, () =>
      this.store.acknowledgeAlert(alertId, user.sub, reason, new Date().toISOString()),
    );
    if (result.status === 'not_found') throw new RoomcastError(ErrorCode.NOT_FOUND, `no alert ${alertId}`);
    if (result.status === 'already_acknowledged') {
      throw new RoomcastError(
        ErrorCode.CONFLICT,
        `alert ${alertId} was already acknowledged by ${result.alert.ackUser ?? 'someone'} at ${result.alert.ackAt ?? 'an earlier time'}`,
      );
    }
    const alert = result.alert;
    this.engine.acknowledged(alert);
    this.broadcaster.publish(deviceRoom(alert.deviceId), 'ack_update', {
      kind: 'alert',
      id: alert.alertId,
      deviceId: alert.deviceId,
      ...acknowledgedFields(alert, user, reason),
    });
    this.broadcastAlerts(alert.deviceId, alert.state === 'cleared' ? [alert] : []);
    return alert;
  }

  /** Runs work in the device's chain so an acknowledgement never interleaves with a transition. */
  private enqueueResult<T>(deviceId: string, work: () => Promise<T>): Promise<T> {
    let result!: T;
    let failure: unknown = null;
    const done = this.enqueue(deviceId, async () => {
      try {
        result = await work();
      } catch (error) {
        failure = error;
      }
    });
    return done.then(() => {
      if (failure !== null) throw failure;
      return result;
    });
  }

  /** Waits for every queued transition to be stored and broadcast. */
  async drain(): Promise<void> {
    await Promise.all([...this.chains.values()]);
  }

  counters(): { unsavedAlerts: number } {
    return { unsavedAlerts: this.unsaved };
  }
}
