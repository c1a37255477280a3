/** Colours for series (Okabe-Ito, readable by most colour-blind viewers) and for signs. */
export const SERIES_COLOURS = [
  '#0072b2',
  '#d55e00',
  '#009e73',
  '#cc79a7',
  '#e69f00',
  '#56b4e9',
  '#7f7f7f',
  '#000000',
];

export function seriesColour(index: number): string {
  return SERIES_COLOURS[index % SERIES_COLOURS.length];
}

/** Diverging map for values in [-1, 1]: blue (negative), white (0), red (positive). */
export function diverging(t: number): [number, number, number] {
  const x = Math.max(-1, Math.min(1, Number.isFinite(t) ? t : 0));
  // Endpoints: #2166ac and #b2182b (ColorBrewer RdBu), through white.
  const [r1, g1, b1] = x < 0 ? [0x21, 0x66, 0xac] : [0xb2, 0x18, 0x2b];
  const a = Math.abs(x);
  return [
    Math.round(255 + (r1 - 255) * a),
    Math.round(255 + (g1 - 255) * a),
    Math.round(255 + (b1 - 255) * a),
  ];
}

/** Background of a paper cell by its verdict: green for a clear win, red for a clear loss, grey otherwise. */
export const VERDICT_COLOURS = { win: '#b7e1c1', loss: '#f4b6b6', undecided: '#e4e4e4' } as const;
