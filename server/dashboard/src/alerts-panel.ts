import {
  ErrorCode,
  RoomcastError,
  type AckUpdatePayload,
  type Alert,
  type DeviceAlertsPayload,
} from '@roomcast/shared';
import { createAckControl } from './ack-control';
import { AlertBook } from './alert-book';
import type { DashboardContext } from './context';
import { h, replace, setText } from './dom';
import { comparisonSign, formatNumber, formatTime, metricLabel } from './format';

/**
 * How often the whole list is read again over REST. Live events cover the devices this page watches;
 * alerts of other devices reach the page through this poll (the gateway has no room for all alerts).
 */
const REFRESH_INTERVAL_MS = 30_000;
const MAX_ROWS = 100;

export interface AlertsPanel {
  readonly element: HTMLElement;
  applyDeviceAlerts(payload: DeviceAlertsPayload): void;
  applyAck(update: AckUpdatePayload): void;
  refresh(): Promise<void>;
  destroy(): void;
}

interface Row {
  element: HTMLElement;
  /** What the row was last drawn from; a row is rebuilt only when this changes. */
  signature: string;
}

function signatureOf(alert: Alert): string {
  return [alert.state, alert.severity, alert.value, alert.acknowledged, alert.ackUser, alert.updatedAt].join('|');
}

/**
 * Active and unacknowledged alerts of every device the token may see, unacknowledged first, each with
 * an Acknowledge control for operators. Rows are kept by alert id and redrawn only when their alert
 * changed, so a reason being typed into one row survives updates to the others.
 */
export function createAlertsPanel(context: DashboardContext): AlertsPanel {
  const book = new AlertBook();
  const rows = new Map<string, Row>();
  const list = h('ol', { class: 'alert-list', testid: 'alert-list' });
  const summary = h('span', { class: 'muted small', testid: 'alerts-summary' });
  const problem = h('p', { class: 'form-error small', attrs: { hidden: '' } });
  const empty = h('p', { class: 'panel-empty muted', testid: 'alerts-empty' }, 'No active or unacknowledged alerts.');
  const element = h(
    'section',
    { class: 'panel alerts-panel', testid: 'alerts-panel', attrs: { 'aria-label': 'Alerts' } },
    h('header', { class: 'panel-header' }, h('h2', {}, 'Alerts'), summary),
    problem,
    empty,
    list,
  );

  const rowFor = (alert: Alert): HTMLElement => {
    const threshold = `${comparisonSign(alert.comparison)} ${formatNumber(alert.threshold)}`;
    let state: HTMLElement;
    if (alert.acknowledged) {
      const reason = alert.ackReason !== null ? ` · “${alert.ackReason}”` : '';
      state = h(
        'span',
        { class: 'ack-state small', testid: 'alert-ack-state', attrs: { title: `at ${formatTime(alert.ackAt)}` } },
        `Acknowledged by ${alert.ackUser ?? 'someone'}${reason}`,
      );
    } else if (context.canAcknowledge) {
      state = createAckControl({
        subject: 'alert',
        onSubmit: async (reason) => {
          try {
            const acknowledged = await context.client.acknowledgeAlert({ alertId: alert.alertId, reason });
            if (book.upsert([acknowledged])) render();
          } catch (error) {
            // Someone else was quicker: show their acknowledgement rather than an error.
            if (error instanceof RoomcastError && error.code === ErrorCode.CONFLICT) void refresh();
            throw error;
          }
        },
      }).element;
    } else {
      state = h('span', { class: 'muted small' }, 'Not acknowledged');
    }
    return h(
      'li',
      {
        class: `alert-row ${alert.severity} ${alert.state}${alert.acknowledged ? ' acknowledged' : ''}`,
        testid: 'alert-row',
        data: {
          alertId: alert.alertId,
          device: alert.deviceId,
          severity: alert.severity,
          state: alert.state,
          acknowledged: String(alert.acknowledged),
        },
      },
      h('span', { class: `severity ${alert.severity}` }, alert.severity),
      h(
        'div',
        { class: 'alert-what' },
        h('span', { class: 'alert-title' }, h('strong', {}, alert.deviceId), ` · ${metricLabel(alert.metric)}`),
        h('span', { class: 'muted small' }, alert.message),
      ),
      h(
        'div',
        { class: 'alert-reading' },
        h('span', { class: 'alert-value', testid: 'alert-value' }, formatNumber(alert.value)),
        h('span', { class: 'muted small' }, threshold),
      ),
      h(
        'div',
        { class: 'alert-when small' },
        h('span', {}, formatTime(alert.raisedAt)),
        h(
          'span',
          { class: 'muted', testid: 'alert-state' },
          alert.state === 'active' ? 'active' : `cleared ${formatTime(alert.clearedAt)}`,
        ),
      ),
      h('div', { class: 'alert-ack' }, state),
    );
  };

  const render = (): void => {
    const alerts = book.list();
    const shown = alerts.slice(0, MAX_ROWS);
    const ids = new Set(shown.map((alert) => alert.alertId));
    for (const [alertId, row] of rows) {
      if (!ids.has(alertId)) {
        row.element.remove();
        rows.delete(alertId);
      }
    }
    shown.forEach((alert, index) => {
      const signature = signatureOf(alert);
      let row = rows.get(alert.alertId);
      if (row === undefined || row.signature !== signature) {
        const element = rowFor(alert);
        row?.element.replaceWith(element);
        row = { element, signature };
        rows.set(alert.alertId, row);
      }
      // Move a row only when it is out of place: moving a node would take the focus out of its form.
      if (list.children[index] !== row.element) list.insertBefore(row.element, list.children[index] ?? null);
    });
    const active = alerts.filter((alert) => alert.state === 'active').length;
    const unacknowledged = alerts.filter((alert) => !alert.acknowledged).length;
    setText(summary, alerts.length === 0 ? '' : `${active} active · ${unacknowledged} unacknowledged`);
    element.dataset.unacknowledged = String(unacknowledged);
    empty.hidden = alerts.length > 0;
    if (alerts.length > MAX_ROWS) {
      replace(problem, `Showing the first ${MAX_ROWS} of ${alerts.length}.`);
      problem.hidden = false;
    }
  };

  let inFlight: Promise<void> | null = null;
  const refresh = (): Promise<void> => {
    inFlight ??= (async () => {
      const fetchedAt = Date.now();
      try {
        const [active, unacknowledged] = await Promise.all([
          context.api.alerts({ status: 'active', limit: 1000 }),
          context.api.alerts({ status: 'cleared', acknowledged: false, limit: 200 }),
        ]);
        problem.hidden = true;
        if (book.reconcile([...active.items, ...unacknowledged.items], fetchedAt)) render();
      } catch (error) {
        replace(problem, `Could not load the alerts: ${error instanceof Error ? error.message : String(error)}`);
        problem.hidden = false;
      } finally {
        inFlight = null;
      }
    })();
    return inFlight;
  };

  const timer = window.setInterval(() => void refresh(), REFRESH_INTERVAL_MS);
  render();

  return {
    element,
    applyDeviceAlerts(payload) {
      if (book.applyDevice(payload.deviceId, payload.alerts)) render();
    },
    applyAck(update) {
      if (book.applyAck(update)) render();
    },
    refresh,
    destroy() {
      window.clearInterval(timer);
    },
  };
}
