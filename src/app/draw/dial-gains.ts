/**
 * The Dial tab's plot on a canvas: the gain of focal over each chosen baseline at each value of a
 * dial, a dot at the mean and a bar over the 95% interval, with a dashed line at 0 (no gain). The
 * x axis is ordinal (the dial's values are not evenly spaced, and conflict is not a number); the
 * baselines sit side by side at each value so their bars do not hide one another. The i-th series
 * takes the i-th series colour, as the legend.
 */
import type { DialChart } from '../model/dial';
import { seriesColour } from './palette';

const PAD = { left: 48, right: 10, top: 10, bottom: 28 };

/** The y range: every mean and interval end, and 0, with a little room. */
function range(chart: DialChart): [number, number] {
  const ys = chart.series.flatMap((s) =>
    s.gains.flatMap((g) => (g ? [g.mean, g.low ?? g.mean, g.high ?? g.mean] : [])),
  );
  const lo = Math.min(0, ...ys);
  const hi = Math.max(0, ...ys);
  const pad = Math.max(0.01, (hi - lo) * 0.08);
  return [lo - pad, hi + pad];
}

/** Round tick values over [lo, hi]: steps of 1, 2 or 5 times a power of ten, three to six of them. */
function ticks(lo: number, hi: number): { marks: number[]; digits: number } {
  const raw = (hi - lo) / 5;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * power).find((x) => x >= raw) ?? raw;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + 1e-12; v += step) out.push(Math.abs(v) < 1e-12 ? 0 : v);
  return { marks: out, digits: Math.max(0, -Math.floor(Math.log10(step))) };
}

/** Draws the chart; returns how many gains it drew (the browser test reads it off the canvas). */
export function drawDialGains(canvas: HTMLCanvasElement, chart: DialChart, yLabel: string): number {
  const ratio = globalThis.devicePixelRatio ?? 1;
  const width = canvas.clientWidth || 480;
  const height = canvas.clientHeight || 240;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const [lo, hi] = range(chart);
  const plotW = width - PAD.left - PAD.right;
  const slot = plotW / Math.max(1, chart.values.length);
  const x = (i: number) => PAD.left + slot * (i + 0.5);
  const y = (v: number) => PAD.top + ((hi - v) / (hi - lo)) * (height - PAD.top - PAD.bottom);

  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  ctx.strokeStyle = '#ddd';
  ctx.fillStyle = '#555';
  const { marks, digits } = ticks(lo, hi);
  for (const v of marks) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(width - PAD.right, y(v));
    ctx.stroke();
    ctx.fillText(`${v > 0 ? '+' : ''}${v.toFixed(digits)}`, 2, y(v) + 4);
  }
  ctx.strokeStyle = '#333';
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(PAD.left, y(0));
  ctx.lineTo(width - PAD.right, y(0));
  ctx.stroke();
  ctx.setLineDash([]);
  chart.values.forEach((v, i) => ctx.fillText(v, x(i) - ctx.measureText(v).width / 2, height - 12));
  ctx.fillText(yLabel, PAD.left, height - 1);

  let drawn = 0;
  const n = chart.series.length;
  const spread = Math.min(slot * 0.6, 14 * n);
  chart.series.forEach((s, b) => {
    const colour = seriesColour(b);
    ctx.strokeStyle = colour;
    ctx.fillStyle = colour;
    ctx.lineWidth = 1.5;
    const offset = n > 1 ? (b / (n - 1) - 0.5) * spread : 0;
    s.gains.forEach((g, i) => {
      if (!g) return;
      const cx = x(i) + offset;
      if (g.low !== null && g.high !== null) {
        ctx.beginPath();
        ctx.moveTo(cx, y(g.low));
        ctx.lineTo(cx, y(g.high));
        for (const end of [g.low, g.high]) {
          ctx.moveTo(cx - 3, y(end));
          ctx.lineTo(cx + 3, y(end));
        }
        ctx.stroke();
      }
      ctx.beginPath();
      ctx.arc(cx, y(g.mean), 3.5, 0, 2 * Math.PI);
      ctx.fill();
      drawn++;
    });
  });
  return drawn;
}
