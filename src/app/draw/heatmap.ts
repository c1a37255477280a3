/**
 * A weight matrix drawn on a canvas, one pixel per weight (scaled up by CSS), with a diverging
 * colour map symmetric around 0. The scale is a high percentile of |w| so that one outlier does
 * not wash out the rest.
 */
import type { WeightMatrix } from '../../core/train/types';
import { diverging } from './palette';

/** Rows and columns to draw: a vector is one row; higher ranks fold into rows of the last axis. */
export function gridOf(matrix: WeightMatrix): { rows: number; cols: number } {
  const shape = matrix.shape.length === 0 ? [matrix.values.length] : matrix.shape;
  const cols = shape[shape.length - 1] || 1;
  return { rows: Math.max(1, Math.ceil(matrix.values.length / cols)), cols };
}

/** The 99th percentile of |values| (sampled for large matrices); 1 when all are 0. */
export function scaleOf(values: Float32Array): number {
  const n = values.length;
  if (n === 0) return 1;
  const stride = Math.max(1, Math.floor(n / 4096));
  const sample: number[] = [];
  for (let i = 0; i < n; i += stride) if (Number.isFinite(values[i])) sample.push(Math.abs(values[i]));
  sample.sort((a, b) => a - b);
  const p = sample[Math.min(sample.length - 1, Math.floor(sample.length * 0.99))] ?? 0;
  return p > 0 ? p : 1;
}

export function drawHeatmap(canvas: HTMLCanvasElement, matrix: WeightMatrix): { scale: number } {
  const { rows, cols } = gridOf(matrix);
  const scale = scaleOf(matrix.values);
  if (canvas.width !== cols) canvas.width = cols;
  if (canvas.height !== rows) canvas.height = rows;
  const ctx = canvas.getContext('2d');
  if (!ctx) return { scale };
  const image = ctx.createImageData(cols, rows);
  const { data } = image;
  for (let i = 0; i < rows * cols; i++) {
    const [r, g, b] = i < matrix.values.length ? diverging(matrix.values[i] / scale) : [240, 240, 240];
    data[i * 4] = r;
    data[i * 4 + 1] = g;
    data[i * 4 + 2] = b;
    data[i * 4 + 3] = 255;
  }
  ctx.putImageData(image, 0, 0);
  return { scale };
}
