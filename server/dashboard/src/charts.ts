import uPlot from 'uplot';

/** The palette the charts share with styles.css: one accent, neutrals for everything else. */
export const CHART_COLORS = {
  accent: '#2f6fb5',
  accentFill: 'rgba(47, 111, 181, 0.08)',
  grid: '#eceef1',
  axis: '#6b7280',
  centre: '#5b6472',
  limit: '#b4541a',
  violation: '#c62828',
} as const;

const AXIS_FONT = '11px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';

export function axis(overrides: Partial<uPlot.Axis> = {}): uPlot.Axis {
  return {
    stroke: CHART_COLORS.axis,
    font: AXIS_FONT,
    grid: { stroke: CHART_COLORS.grid, width: 1 },
    ticks: { stroke: CHART_COLORS.grid, width: 1, size: 4 },
    size: 44,
    ...overrides,
  };
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const clockWithSeconds = new Intl.DateTimeFormat(undefined, {
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** The time axis on one line, 24-hour, with seconds only while the chart spans a few minutes. */
export function timeAxis(): uPlot.Axis {
  return axis({
    size: 30,
    // Room for a hh:mm:ss label and a gap between neighbours.
    space: 90,
    values: (chart, splits) => {
      const min = chart.scales.x?.min ?? 0;
      const max = chart.scales.x?.max ?? 0;
      const format = max - min <= 600 ? clockWithSeconds : clock;
      // Splits closer than the format's precision would repeat a label: show each label once.
      let previous = '';
      return splits.map((split) => {
        const label = format.format(new Date(split * 1000));
        if (label === previous) return '';
        previous = label;
        return label;
      });
    },
  });
}

/** Fits a chart to its container's width, now and whenever the layout changes. */
export function fitWidth(chart: uPlot, container: HTMLElement, height: number): () => void {
  let frame = 0;
  const resize = (): void => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      const width = Math.floor(container.clientWidth);
      if (width > 0 && (width !== chart.width || height !== chart.height)) chart.setSize({ width, height });
    });
  };
  const observer = new ResizeObserver(resize);
  observer.observe(container);
  resize();
  return () => {
    cancelAnimationFrame(frame);
    observer.disconnect();
  };
}

/**
 * Coalesces redraws into one per animation frame: telemetry can arrive many times a second, and
 * redrawing once per frame at most keeps a page that stays open all day light on the CPU.
 */
export function frameScheduler(draw: () => void): () => void {
  let pending = false;
  return () => {
    if (pending) return;
    pending = true;
    requestAnimationFrame(() => {
      pending = false;
      draw();
    });
  };
}

export interface TimeSeriesChart {
  readonly element: HTMLElement;
  /** Replaces the points; `times` in epoch milliseconds, ascending. */
  setPoints(times: readonly number[], values: readonly (number | null)[]): void;
  destroy(): void;
}

/** A single-series line chart over time, for one metric of a device or sensor. */
export function createTimeSeriesChart(options: { label: string; height?: number; testid?: string }): TimeSeriesChart {
  const height = options.height ?? 160;
  const element = document.createElement('div');
  element.className = 'chart';
  if (options.testid !== undefined) element.dataset.testid = options.testid;
  const chart = new uPlot(
    {
      width: 400,
      height,
      legend: { show: false },
      cursor: { drag: { x: false, y: false }, points: { size: 6 } },
      scales: { x: { time: true } },
      axes: [timeAxis(), axis({ size: 52 })],
      series: [
        {},
        {
          label: options.label,
          stroke: CHART_COLORS.accent,
          fill: CHART_COLORS.accentFill,
          width: 1.5,
          points: { show: false },
          spanGaps: false,
        },
      ],
    },
    [[], []],
    element,
  );
  const stopFitting = fitWidth(chart, element, height);
  let data: uPlot.AlignedData = [[], []];
  const redraw = frameScheduler(() => chart.setData(data));
  return {
    element,
    setPoints(times, values) {
      data = [times.map((time) => time / 1000), [...values]];
      redraw();
    },
    destroy() {
      stopFitting();
      chart.destroy();
    },
  };
}
