/**
 * One paper cell's curves on a canvas: per method, the mean over seeds as a line and mean ± std as
 * a translucent band (the rubric score, or one criterion's score or effective weight), on a fixed
 * [0, 1] scale so cells compare by eye. The i-th curve takes the i-th series colour, as the legend.
 */
import type { MethodCurve } from '../model/paper';
import { seriesColour } from './palette';

const PAD = { left: 36, right: 10, top: 10, bottom: 24 };

export function drawCellCurves(canvas: HTMLCanvasElement, curves: readonly (MethodCurve | null)[]): void {
  const ratio = globalThis.devicePixelRatio ?? 1;
  const width = canvas.clientWidth || 480;
  const height = canvas.clientHeight || 220;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  ctx.clearRect(0, 0, width, height);
  const lastStep = Math.max(1, ...curves.map((c) => c?.steps[c.steps.length - 1] ?? 1));
  const x = (step: number) => PAD.left + (step / lastStep) * (width - PAD.left - PAD.right);
  const y = (v: number) => PAD.top + (1 - Math.max(0, Math.min(1, v))) * (height - PAD.top - PAD.bottom);

  ctx.strokeStyle = '#bbb';
  ctx.fillStyle = '#555';
  ctx.font = '11px system-ui, sans-serif';
  ctx.lineWidth = 1;
  for (const v of [0, 0.25, 0.5, 0.75, 1]) {
    ctx.beginPath();
    ctx.moveTo(PAD.left, y(v));
    ctx.lineTo(width - PAD.right, y(v));
    ctx.stroke();
    ctx.fillText(v.toFixed(2), 4, y(v) + 4);
  }
  ctx.fillText('RL step', (PAD.left + width - PAD.right) / 2 - 20, height - 6);
  ctx.fillText('0', PAD.left, height - 6);
  ctx.fillText(String(lastStep), x(lastStep) - 16, height - 6);

  curves.forEach((c, i) => {
    if (!c || c.steps.length === 0) return;
    const colour = seriesColour(i);
    ctx.globalAlpha = 0.18;
    ctx.fillStyle = colour;
    ctx.beginPath();
    c.steps.forEach((s, j) =>
      j === 0 ? ctx.moveTo(x(s), y(c.mean[j] + c.std[j])) : ctx.lineTo(x(s), y(c.mean[j] + c.std[j])),
    );
    for (let j = c.steps.length - 1; j >= 0; j--) ctx.lineTo(x(c.steps[j]), y(c.mean[j] - c.std[j]));
    ctx.closePath();
    ctx.fill();
    ctx.globalAlpha = 1;
    ctx.strokeStyle = colour;
    ctx.lineWidth = c.method === 'focal' ? 2.5 : 1.5;
    ctx.beginPath();
    c.steps.forEach((s, j) => (j === 0 ? ctx.moveTo(x(s), y(c.mean[j])) : ctx.lineTo(x(s), y(c.mean[j]))));
    ctx.stroke();
  });
}
