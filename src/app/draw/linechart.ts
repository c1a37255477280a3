/**
 * A uPlot line chart that the views feed with column data. Data arrive in batches; the chart
 * redraws at most once per animation frame, and rebuilds only when its series change. Long
 * series are thinned to what the width can show (`decimate`), and charts waiting to draw share
 * the frames within a budget, so that six charts of an imported 50,000-step run never make one
 * long frame together.
 */
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { decimate, type Columns } from '../model/series';
import { seriesColour } from './palette';

export interface LineChartOptions {
  title: string;
  height?: number;
  /** Fixed y range, e.g. [0, 1] for scores; otherwise automatic. */
  yRange?: [number, number];
  xLabel?: string;
}

/** Milliseconds of drawing per animation frame before the remaining charts wait for the next. */
const FRAME_BUDGET_MS = 12;
const waiting = new Set<LineChart>();
let frame = 0;

function drawWaiting(): void {
  frame = 0;
  const start = performance.now();
  for (const chart of waiting) {
    waiting.delete(chart);
    chart.drawPending();
    if (performance.now() - start > FRAME_BUDGET_MS) break;
  }
  if (waiting.size > 0) frame = requestAnimationFrame(drawWaiting);
}

function scheduleDraw(chart: LineChart): void {
  waiting.add(chart);
  if (frame === 0) frame = requestAnimationFrame(drawWaiting);
}

export class LineChart {
  #plot: uPlot | null = null;
  #labels: string[] = [];
  #pending: { columns: Columns | (() => Columns); labels: string[] } | null = null;
  #observer: ResizeObserver;

  constructor(
    private readonly el: HTMLElement,
    private readonly options: LineChartOptions,
  ) {
    this.#observer = new ResizeObserver(() =>
      this.#plot?.setSize({ width: this.#width(), height: this.#height() }),
    );
    this.#observer.observe(el);
  }

  #width(): number {
    return Math.max(200, this.el.clientWidth);
  }

  #height(): number {
    return this.options.height ?? 200;
  }

  /**
   * Queue new data; drawn on a coming animation frame. `columns` may be a function, so that
   * building the columns of a long run happens in the chart's own frame too.
   */
  update(columns: Columns | (() => Columns), labels: string[]): void {
    this.#pending = { columns, labels };
    scheduleDraw(this);
  }

  /** Draws the data queued by `update` (called by the frame scheduler). */
  drawPending(): void {
    const pending = this.#pending;
    this.#pending = null;
    if (!pending) return;
    const { labels } = pending;
    // About two points per pixel column of each bucket's extremes: enough to look exact.
    const columns = decimate(
      typeof pending.columns === 'function' ? pending.columns() : pending.columns,
      this.#width(),
    );
    const same = labels.length === this.#labels.length && labels.every((l, i) => l === this.#labels[i]);
    if (this.#plot && same) {
      this.#plot.setData(columns as uPlot.AlignedData);
      return;
    }
    this.#plot?.destroy();
    this.#labels = labels;
    const { yRange, xLabel } = this.options;
    this.#plot = new uPlot(
      {
        width: this.#width(),
        height: this.#height(),
        cursor: { drag: { x: true, y: false } },
        legend: { live: true },
        scales: { x: { time: false }, y: yRange ? { range: yRange } : { auto: true } },
        axes: [
          { label: xLabel ?? 'step', labelSize: 18, size: 36, stroke: '#555', grid: { stroke: '#eee' } },
          { size: 48, stroke: '#555', grid: { stroke: '#eee' } },
        ],
        series: [
          { label: 'step' },
          ...labels.map((label, i) => ({
            label,
            stroke: seriesColour(i),
            width: 1.6,
            spanGaps: true,
            points: { show: false },
          })),
        ],
      },
      columns as uPlot.AlignedData,
      this.el,
    );
  }

  /** The chart as a PNG with a white background, its title and a legend. */
  async toPng(): Promise<Blob | null> {
    const plot = this.#plot;
    if (!plot) return null;
    const source = plot.ctx.canvas;
    const ratio = source.width / Math.max(1, plot.width);
    const header = 28 * ratio;
    const legendRow = 18 * ratio;
    const out = document.createElement('canvas');
    out.width = source.width;
    out.height = source.height + header + legendRow * Math.ceil(this.#labels.length / 4) + 8 * ratio;
    const ctx = out.getContext('2d');
    if (!ctx) return null;
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, out.width, out.height);
    ctx.fillStyle = '#222';
    ctx.font = `${14 * ratio}px system-ui, sans-serif`;
    ctx.fillText(this.options.title, 8 * ratio, 19 * ratio);
    ctx.drawImage(source, 0, header);
    ctx.font = `${12 * ratio}px system-ui, sans-serif`;
    const columnWidth = out.width / 4;
    this.#labels.forEach((label, i) => {
      const x = (i % 4) * columnWidth + 8 * ratio;
      const y = header + source.height + Math.floor(i / 4) * legendRow + 14 * ratio;
      ctx.fillStyle = seriesColour(i);
      ctx.fillRect(x, y - 9 * ratio, 14 * ratio, 4 * ratio);
      ctx.fillStyle = '#222';
      ctx.fillText(label, x + 20 * ratio, y);
    });
    return new Promise((resolve) => out.toBlob(resolve, 'image/png'));
  }

  destroy(): void {
    waiting.delete(this);
    this.#observer.disconnect();
    this.#plot?.destroy();
    this.#plot = null;
  }
}
