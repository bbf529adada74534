import type { AckUpdatePayload, Alert } from '@roomcast/shared';

/**
 * The alerts an operator has to see: every active alert, and cleared ones nobody acknowledged yet.
 * Alerts reach the page three ways (REST pages, `device:alerts`, `ack_update`) and in any order, so
 * each copy is judged by how far along it is, and an older copy never undoes a newer one.
 */
export class AlertBook {
  private readonly alerts = new Map<string, { alert: Alert; seenAt: number }>();

  /** Upserts alerts; returns true when anything shown changed. */
  upsert(incoming: readonly Alert[], now: number = Date.now()): boolean {
    let changed = false;
    for (const alert of incoming) {
      const current = this.alerts.get(alert.alertId);
      if (current !== undefined && progress(current.alert) > progress(alert)) continue;
      if (!needsAttention(alert)) {
        changed = this.alerts.delete(alert.alertId) || changed;
        continue;
      }
      changed = changed || current === undefined || !sameAlert(current.alert, alert);
      this.alerts.set(alert.alertId, { alert, seenAt: now });
    }
    return changed;
  }

  /**
   * A device's `device:alerts`: its active alerts (and one just cleared). An alert of that device we
   * showed as active but that is missing here is no longer active.
   */
  applyDevice(deviceId: string, alerts: readonly Alert[], now: number = Date.now()): boolean {
    let changed = this.upsert(alerts, now);
    const present = new Set(alerts.map((alert) => alert.alertId));
    for (const [alertId, { alert }] of this.alerts) {
      if (alert.deviceId !== deviceId || present.has(alertId) || alert.state !== 'active') continue;
      changed =
        this.upsert([{ ...alert, state: 'cleared', clearedAt: alert.clearedAt ?? new Date(now).toISOString() }], now) ||
        changed;
    }
    return changed;
  }

  applyAck(update: AckUpdatePayload, now: number = Date.now()): boolean {
    if (update.kind !== 'alert') return false;
    const current = this.alerts.get(update.id);
    if (current === undefined) return false;
    return this.upsert(
      [
        {
          ...current.alert,
          acknowledged: update.acknowledged,
          ackUser: update.ackUser,
          ackReason: update.ackReason,
          ackAt: update.ackAt,
        },
      ],
      now,
    );
  }

  /**
   * A full REST listing taken at `fetchedAt`: alerts it no longer lists have left the book, unless
   * a live event brought them in after the request went out.
   */
  reconcile(listed: readonly Alert[], fetchedAt: number, now: number = Date.now()): boolean {
    let changed = this.upsert(listed, now);
    const present = new Set(listed.map((alert) => alert.alertId));
    for (const [alertId, { seenAt }] of this.alerts) {
      if (!present.has(alertId) && seenAt < fetchedAt) changed = this.alerts.delete(alertId) || changed;
    }
    return changed;
  }

  /** Unacknowledged first, then active before cleared, critical before warning, newest first. */
  list(): Alert[] {
    return [...this.alerts.values()]
      .map(({ alert }) => alert)
      .sort(
        (a, b) =>
          Number(a.acknowledged) - Number(b.acknowledged) ||
          Number(a.state !== 'active') - Number(b.state !== 'active') ||
          Number(a.severity !== 'critical') - Number(b.severity !== 'critical') ||
          b.raisedAt.localeCompare(a.raisedAt),
      );
  }
}

function needsAttention(alert: Alert): boolean {
  return alert.state === 'active' || !alert.acknowledged;
}

/** ISO timestamps compare as strings; an acknowledgement or a clear always moves an alert forward. */
function progress(alert: Alert): string {
  const stamps = [alert.updatedAt, alert.ackAt ?? '', alert.clearedAt ?? ''].sort();
  return `${stamps[stamps.length - 1] ?? ''}|${alert.acknowledged ? 1 : 0}|${alert.state === 'cleared' ? 1 : 0}`;
}

function sameAlert(a: Alert, b: Alert): boolean {
  return (
    a.state === b.state &&
    a.severity === b.severity &&
    a.value === b.value &&
    a.acknowledged === b.acknowledged &&
    a.updatedAt === b.updatedAt
  );
}
