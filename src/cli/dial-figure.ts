/**
 * `lab dial`'s figure as plain SVG text (no DOM): one panel per size x dial, the gain of focal in
 * final held-out rubric score over static, gdpo, sa-mrpo and tuned static against the dial's
 * values, the mean as a dot and the 95% paired t interval as a bar, zero as a line.
 */
import type { DialGain, DialResults } from '../core/dial/results';

export const FIGURE_BASELINES = [
  { id: 'static', colour: '#1f77b4' },
  { id: 'gdpo', colour: '#ff7f0e' },
  { id: 'sa-mrpo', colour: '#2ca02c' },
  { id: 'tuned-static', colour: '#9467bd' },
] as const;

const PANEL = { width: 230, height: 170, left: 44, right: 10, top: 26, bottom: 30 };
const esc = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const num = (x: number) => (Math.round(x * 10) / 10).toString();

export function dialSvg(file: DialResults, metric: DialGain['metric'] = 'rubric'): string {
  const sizes = file.sizes;
  const dials = file.dials;
  const baselines = FIGURE_BASELINES.filter((b) => file.arms.some((a) => a.id === b.id));
  const gainAt = (pointId: string, size: string, baseline: string) =>
    file.points
      .find((p) => p.id === pointId)
      ?.sizes.find((s) => s.size === size)
      ?.gains.find((g) => g.metric === metric && g.baseline === baseline && g.candidate === 'focal');
  // One y range for every panel, so panels compare by eye.
  let low = -0.05;
  let high = 0.05;
  for (const p of file.points)
    for (const s of p.sizes)
      for (const g of s.gains)
        if (g.metric === metric && g.candidate === 'focal' && baselines.some((b) => b.id === g.baseline)) {
          for (const v of [g.low, g.high, g.mean])
            if (v !== null) [low, high] = [Math.min(low, v), Math.max(high, v)];
        }
  const pad = (high - low) * 0.08;
  [low, high] = [low - pad, high + pad];
  const legendHeight = 24;
  const width = dials.length * PANEL.width;
  const height = legendHeight + sizes.length * PANEL.height;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="10">`,
    `<rect width="${width}" height="${height}" fill="white"/>`,
  ];
  baselines.forEach((b, i) => {
    const x = 10 + i * 150;
    out.push(`<circle cx="${x}" cy="12" r="4" fill="${b.colour}"/>`);
    out.push(`<text x="${x + 8}" y="15">focal − ${esc(b.id)}</text>`);
  });
  sizes.forEach((size, row) => {
    dials.forEach((dial, column) => {
      const x0 = column * PANEL.width;
      const y0 = legendHeight + row * PANEL.height;
      const plotW = PANEL.width - PANEL.left - PANEL.right;
      const plotH = PANEL.height - PANEL.top - PANEL.bottom;
      const y = (v: number) => y0 + PANEL.top + ((high - v) / (high - low)) * plotH;
      const x = (i: number) => x0 + PANEL.left + ((i + 0.5) / dial.values.length) * plotW;
      out.push(
        `<text x="${x0 + PANEL.left}" y="${y0 + 16}" font-weight="bold">${esc(`${dial.id} (${size})`)}</text>`,
      );
      out.push(
        `<rect x="${x0 + PANEL.left}" y="${y0 + PANEL.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
      );
      out.push(
        `<line x1="${x0 + PANEL.left}" x2="${x0 + PANEL.left + plotW}" y1="${num(y(0))}" y2="${num(y(0))}" stroke="#666" stroke-dasharray="3,3"/>`,
      );
      for (const tick of [low, 0, high])
        out.push(
          `<text x="${x0 + PANEL.left - 4}" y="${num(y(tick) + 3)}" text-anchor="end">${tick.toFixed(2)}</text>`,
        );
      dial.values.forEach((v, i) => {
        out.push(
          `<text x="${num(x(i))}" y="${y0 + PANEL.height - 14}" text-anchor="middle">${esc(String(v.value))}</text>`,
        );
        baselines.forEach((b, j) => {
          const g = gainAt(v.point, size, b.id);
          if (!g || g.mean === null) return;
          const cx = x(i) + (j - (baselines.length - 1) / 2) * 7;
          if (g.low !== null && g.high !== null)
            out.push(
              `<line x1="${num(cx)}" x2="${num(cx)}" y1="${num(y(g.low))}" y2="${num(y(g.high))}" stroke="${b.colour}" stroke-width="1.5"/>`,
            );
          out.push(`<circle cx="${num(cx)}" cy="${num(y(g.mean))}" r="2.8" fill="${b.colour}"/>`);
        });
      });
    });
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
