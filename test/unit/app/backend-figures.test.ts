import { describe, expect, it } from 'vitest';
import type { BackendChoiceResult, BackendFigure } from '../../../src/client/backend-choice';
import { describeChoice } from '../../../src/app/model/backend-figures';

const figure = (over: Partial<BackendFigure>): BackendFigure => ({
  backend: 'wasm',
  msStep: 100,
  msInit: 10,
  msFirstStep: 50,
  engine: 'tfjs',
  software: false,
  note: null,
  ...over,
});

describe('describeChoice', () => {
  it('names the fused engine where the probe trained with one, fastest first', () => {
    const choice: BackendChoiceResult = {
      order: ['wasm', 'cpu'],
      figures: [
        figure({ backend: 'cpu', msStep: 400, engine: 'tfjs' }),
        figure({ backend: 'wasm', msStep: 120, engine: 'wasm-fused' }),
        figure({ backend: 'webgl', msStep: null, engine: null, note: 'no WebGL context' }),
      ],
      size: 'small',
      measuredAt: '2026-12-03T00:00:00.000Z',
      msTotal: 3000,
      appVersion: 'test',
    };
    const d = describeChoice(choice);
    expect(d.chosen).toBe('wasm');
    expect(d.summary).toBe('wasm (fused) 120 ms/step, cpu 400 ms/step');
    expect(d.details).toContain('wasm (fused): 120 ms per step (start 10 ms, first step 50 ms)');
    expect(d.details).toContain('webgl: no WebGL context');
  });
});
