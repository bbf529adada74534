import type { Subscription } from '@roomcast/client';
import { ErrorCode, RoomcastError, type RoomName, type ViolationRecord } from '@roomcast/shared';
import uPlot from 'uplot';
import { createAckControl } from './ack-control';
import type { CharacteristicView, ControlLimits, StoredSample } from './api';
import { axis, CHART_COLORS, fitWidth, frameScheduler, timeAxis } from './charts';
import type { DashboardContext } from './context';
import { h, replace, setText } from './dom';
import { formatNumber, formatTime } from './format';
import { watchSubscriptionState, type RoomView } from './room-view';

/** Samples on the chart; the REST history asks for as many. */
const MAX_SAMPLES = 100;
/** Violations listed under the chart; older ones stay in the store and behind REST. */
const MAX_VIOLATIONS = 6;

interface Point {
  sampleId: string;
  time: number;
  value: number;
}

function createSpcPlot(): { element: HTMLElement; plot: uPlot; destroy(): void } {
  const element = h('div', { class: 'chart', testid: 'spc-chart' });
  const height = 190;
  const line = (stroke: string, dash: number[], label: string): uPlot.Series => ({
    label,
    stroke,
    width: 1,
    dash,
    points: { show: false },
  });
  const plot = new uPlot(
    {
      width: 400,
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: true } },
      axes: [timeAxis(), axis({ size: 56 })],
      series: [
        {},
        {
          label: 'value',
          stroke: CHART_COLORS.accent,
          width: 1.5,
          points: { show: true, size: 4, fill: CHART_COLORS.accent, stroke: CHART_COLORS.accent },
        },
        line(CHART_COLORS.centre, [], 'CL'),
        line(CHART_COLORS.limit, [5, 4], 'UCL'),
        line(CHART_COLORS.limit, [5, 4], 'LCL'),
        {
          label: 'violation',
          stroke: CHART_COLORS.violation,
          width: 0,
          paths: () => null,
          points: { show: true, size: 9, width: 2, fill: '#ffffff', stroke: CHART_COLORS.violation },
        },
      ],
    },
    [[], [], [], [], [], []],
    element,
  );
  const stopFitting = fitWidth(plot, element, height);
  return {
    element,
    plot,
    destroy() {
      stopFitting();
      plot.destroy();
    },
  };
}

/**
 * One SPC characteristic: its control chart (values, centre line, UCL and LCL, violations marked), the
 * phase it is in, and its recent rule violations with their acknowledgement. Samples and violations
 * before the page opened come from REST (subscribe carries no history for characteristic rooms).
 */
export function createSpcCard(
  room: RoomName,
  id: string,
  subscription: Subscription,
  context: DashboardContext,
): RoomView {
  const title = h('h2', {}, id);
  const subtitle = h('span', { class: 'muted small' });
  const phase = h('span', { class: 'pill', testid: 'spc-phase' }, 'Loading…');
  const limitsLine = h('div', { class: 'spc-limits muted small', testid: 'spc-limits' });
  const notice = h('div', { class: 'card-notice', attrs: { hidden: '' } });
  const violationList = h('ul', { class: 'violations', testid: 'violations' });
  const { element: chartElement, plot, destroy: destroyPlot } = createSpcPlot();
  const element = h(
    'section',
    { class: 'card', testid: 'spc-card', data: { room, characteristic: id } },
    h(
      'header',
      { class: 'card-header' },
      h('div', { class: 'card-title' }, h('span', { class: 'kind' }, 'characteristic'), title, subtitle),
      phase,
    ),
    notice,
    limitsLine,
    h('div', { class: 'chart-slot' }, chartElement),
    violationList,
  );

  let view: CharacteristicView | null = null;
  let points: Point[] = [];
  const violations = new Map<string, ViolationRecord>();
  let destroyed = false;

  const limits = (): ControlLimits | null => view?.limits ?? null;

  const redraw = frameScheduler(() => {
    const current = limits();
    const violating = new Set([...violations.values()].map((violation) => violation.sampleId));
    const xs = points.map((point) => point.time / 1000);
    const constant = (value: number | undefined): (number | null)[] => points.map(() => value ?? null);
    plot.setData([
      xs,
      points.map((point) => point.value),
      constant(current?.centre),
      constant(current?.ucl),
      constant(current?.lcl),
      points.map((point) => (violating.has(point.sampleId) ? point.value : null)),
    ]);
  });

  const renderHeader = (): void => {
    if (view === null) return;
    const named = view.definition.name.length > 0 && view.definition.name !== id;
    setText(title, named ? view.definition.name : id);
    const unit = view.definition.unit.length > 0 ? ` · ${view.definition.unit}` : '';
    const chart = view.definition.chart === 'xbar-r' ? `X̄-R, n=${view.definition.subgroupSize}` : 'individuals';
    setText(subtitle, `${named ? `${id} · ` : ''}${chart}${unit}`);
    const current = view.limits;
    if (view.phase === 'baseline' || current === null) {
      const progress = view.baseline === null ? '' : ` ${view.baseline.collected}/${view.baseline.needed}`;
      setText(phase, `Baseline${progress}`);
      phase.dataset.phase = 'baseline';
      setText(limitsLine, 'Collecting the baseline: limits appear once it is complete.');
    } else {
      setText(phase, 'Monitoring');
      phase.dataset.phase = 'monitoring';
      setText(
        limitsLine,
        `CL ${formatNumber(current.centre)} · UCL ${formatNumber(current.ucl)} · LCL ${formatNumber(current.lcl)}`,
      );
    }
  };

  const renderViolations = (): void => {
    const sorted = [...violations.values()].sort(
      (a, b) => Number(a.acknowledged) - Number(b.acknowledged) || b.timestamp.localeCompare(a.timestamp),
    );
    const rows = sorted.slice(0, MAX_VIOLATIONS).map((violation) => {
      const state = violation.acknowledged
        ? h(
            'span',
            { class: 'ack-state muted small', testid: 'violation-ack-state' },
            `Acknowledged by ${violation.ackUser ?? '?'}${violation.ackReason !== null ? ` · ${violation.ackReason}` : ''}`,
          )
        : context.canAcknowledge
          ? createAckControl({
              subject: 'violation',
              onSubmit: async (reason) => {
                const record = await context.client.acknowledgeViolation({
                  violationId: violation.violationId,
                  reason,
                });
                violations.set(record.violationId, record);
                renderViolations();
              },
            }).element
          : h('span', { class: 'muted small' }, 'Not acknowledged');
      return h(
        'li',
        {
          class: `violation${violation.acknowledged ? ' acknowledged' : ''}`,
          testid: 'violation-row',
          data: {
            violationId: violation.violationId,
            acknowledged: String(violation.acknowledged),
            severity: violation.severity.toLowerCase(),
          },
        },
        h('span', { class: `severity ${violation.severity.toLowerCase()}` }, violation.severity.toLowerCase()),
        h(
          'span',
          { class: 'violation-rule', attrs: { title: `Nelson rule ${violation.ruleId}: ${violation.ruleName}` } },
          `Rule ${violation.ruleId}: ${violation.ruleName}`,
        ),
        h('span', { class: 'muted small' }, formatTime(violation.timestamp)),
        state,
      );
    });
    const unacknowledged = sorted.filter((violation) => !violation.acknowledged).length;
    replace(
      violationList,
      ...(rows.length === 0 ? [h('li', { class: 'muted small' }, 'No rule violations.')] : rows),
      sorted.length > MAX_VIOLATIONS &&
        h(
          'li',
          { class: 'muted small' },
          `${sorted.length - MAX_VIOLATIONS} older not shown (${unacknowledged} unacknowledged in all)`,
        ),
    );
    redraw();
  };

  const addSamples = (incoming: Point[]): void => {
    const byId = new Map(points.map((point) => [point.sampleId, point]));
    for (const point of incoming) byId.set(point.sampleId, point);
    points = [...byId.values()].sort((a, b) => a.time - b.time).slice(-MAX_SAMPLES);
    redraw();
  };
  const fromStored = (sample: StoredSample): Point => ({
    sampleId: sample.sampleId,
    time: Date.parse(sample.timestamp),
    value: sample.value,
  });

  let loading: Promise<void> | null = null;
  const load = (): Promise<void> => {
    loading ??= (async () => {
      try {
        const [loaded, samples, stored] = await Promise.all([
          context.api.characteristic(id),
          context.api.samples(id, MAX_SAMPLES),
          context.api.violations(id, 50),
        ]);
        if (destroyed) return;
        view = loaded;
        addSamples(samples.map(fromStored));
        for (const violation of stored) {
          const known = violations.get(violation.violationId);
          // REST may know of an acknowledgement this page missed, never the reverse.
          if (known === undefined || (violation.acknowledged && !known.acknowledged)) {
            violations.set(violation.violationId, violation);
          }
        }
        renderHeader();
        renderViolations();
      } catch (error) {
        if (error instanceof RoomcastError && error.code === ErrorCode.NOT_FOUND) {
          setText(phase, 'Not seen yet');
          setText(limitsLine, 'The gateway has no samples of this characteristic yet; it appears with the first one.');
        } else {
          setText(
            limitsLine,
            `Could not load the characteristic: ${error instanceof Error ? error.message : String(error)}`,
          );
        }
      } finally {
        loading = null;
      }
    })();
    return loading;
  };

  let joinedBefore = false;
  const stops = [
    watchSubscriptionState(subscription, notice),
    subscription.on('state', ({ newState }) => {
      if (newState !== 'subscribed') return;
      // Back after a reconnect: samples and violations sent meanwhile are only in the store.
      if (joinedBefore) void load();
      joinedBefore = true;
    }),
    subscription.on('sample', (sample) => {
      addSamples([fromStored(sample)]);
      // The sample that completes a baseline is the first with a zone: the limits exist from then on.
      const baselineEnded = sample.zone !== null && limits() === null;
      if (view === null || baselineEnded) {
        void load();
      } else if (view.baseline !== null && view.phase === 'baseline') {
        view = { ...view, baseline: { ...view.baseline, collected: view.baseline.collected + 1 } };
        renderHeader();
      }
    }),
    subscription.on('violation', (violation) => {
      const sample = points.find((point) => point.sampleId === violation.sampleId);
      violations.set(violation.violationId, {
        ...violation,
        timestamp: sample === undefined ? new Date().toISOString() : new Date(sample.time).toISOString(),
        acknowledged: false,
        ackUser: null,
        ackReason: null,
        ackAt: null,
      });
      renderViolations();
    }),
    subscription.on('ack_update', (update) => {
      if (update.kind !== 'violation') return;
      const existing = violations.get(update.id);
      if (existing === undefined) return;
      violations.set(update.id, {
        ...existing,
        acknowledged: update.acknowledged,
        ackUser: update.ackUser,
        ackReason: update.ackReason,
        ackAt: update.ackAt,
      });
      renderViolations();
    }),
  ];
  void load();

  return {
    room,
    element,
    destroy() {
      destroyed = true;
      for (const stop of stops) stop();
      destroyPlot();
    },
  };
}
