import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args';
import { parseTfFlags } from '../../../src/cli/bench';

describe('bench --tf-flags', () => {
  it('reads NAME=VALUE pairs, numbers and booleans as such', () => {
    expect(parseTfFlags('')).toEqual([]);
    expect(parseTfFlags('WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE=64, WEBGPU_CPU_FORWARD=false')).toEqual([
      ['WEBGPU_DEFERRED_SUBMIT_BATCH_SIZE', 64],
      ['WEBGPU_CPU_FORWARD', false],
    ]);
    expect(parseTfFlags('A_B=-1.5')).toEqual([['A_B', -1.5]]);
  });

  it('names the item it cannot read', () => {
    expect(() => parseTfFlags('x=1')).toThrow(UsageError);
    expect(() => parseTfFlags('x=1')).toThrow(/"x=1"/);
    expect(() => parseTfFlags('A=hello')).toThrow(/"A=hello"/);
    expect(() => parseTfFlags('A=1,,B=2')).toThrow(/""/);
  });
});
