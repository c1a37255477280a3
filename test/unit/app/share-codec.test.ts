import { describe, expect, it } from 'vitest';
import {
  decodeExperiment,
  encodeExperiment,
  fromBase64Url,
  hashFor,
  MAX_ENCODED_CHARS,
  payloadFromHash,
  toBase64Url,
} from '../../../src/core/share/codec';
import { experimentSchema } from '../../../src/core/experiment/schema';

const base = experimentSchema.parse({ version: 2, task: 'meadow', seeds: [1, 2, 3], steps: 200 });

async function deflateJson(value: unknown): Promise<string> {
  const stream = new Blob([JSON.stringify(value)]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  const bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  return toBase64Url(bytes);
}

describe('share codec', () => {
  it('round-trips an experiment through the hash', async () => {
    const payload = await encodeExperiment(base);
    expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(payloadFromHash(hashFor(payload))).toBe(payload);
    const decoded = await decodeExperiment(payload);
    expect(decoded).toEqual({ ok: true, value: base });
  });

  it('base64url has no padding and inverts', () => {
    for (let n = 0; n < 20; n++) {
      const bytes = Uint8Array.from({ length: n }, (_, i) => (i * 37 + n) & 255);
      const text = toBase64Url(bytes);
      expect(text).not.toContain('=');
      expect(fromBase64Url(text)).toEqual(bytes);
    }
  });

  it('rejects corrupted base64 with a message', async () => {
    const bad = await decodeExperiment('abc$%def');
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.problems[0].message).toMatch(/not base64url/);
  });

  it('rejects a truncated payload', async () => {
    const payload = await encodeExperiment(base);
    const cut = await decodeExperiment(payload.slice(0, Math.floor(payload.length / 2)));
    expect(cut.ok).toBe(false);
    if (!cut.ok) expect(cut.problems[0].message).toMatch(/damaged/);
  });

  it('rejects a payload that is not JSON', async () => {
    const stream = new Blob(['not json {']).stream().pipeThrough(new CompressionStream('deflate-raw'));
    const payload = toBase64Url(new Uint8Array(await new Response(stream).arrayBuffer()));
    const result = await decodeExperiment(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0].message).toMatch(/not JSON/);
  });

  it('rejects a wrong version, naming the field', async () => {
    const result = await decodeExperiment(await deflateJson({ ...base, version: 3 }));
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.problems[0].path).toBe('version');
      expect(result.problems[0].message).toMatch(/version 3 is not supported/);
    }
  });

  it('rejects an invalid field with its path', async () => {
    const result = await decodeExperiment(await deflateJson({ ...base, steps: 1e9 }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain('steps');
  });

  it('rejects a nested invalid field with its full path', async () => {
    const rubric = {
      criteria: [{ id: 'a', name: 'A', params: { kind: 'topic' }, weight: -1 }],
    };
    const result = await decodeExperiment(await deflateJson({ ...base, rubric }));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems.map((p) => p.path)).toContain('rubric.criteria.0.weight');
  });

  it('rejects an oversized payload before decoding it', async () => {
    const result = await decodeExperiment('A'.repeat(MAX_ENCODED_CHARS + 1));
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0].message).toMatch(/too long/);
  });

  it('rejects a small payload that inflates too far (decompression bomb)', async () => {
    const big = { ...base, description: 'x'.repeat(1000), padding: ' '.repeat(2_000_000) };
    const payload = await deflateJson(big);
    expect(payload.length).toBeLessThan(MAX_ENCODED_CHARS);
    const result = await decodeExperiment(payload);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.problems[0].message).toMatch(/too large/);
  });

  it('rejects JSON that is not an object', async () => {
    const result = await decodeExperiment(await deflateJson([1, 2, 3]));
    expect(result.ok).toBe(false);
  });

  it('uses a custom validator when given one', async () => {
    const payload = await encodeExperiment(base);
    const result = await decodeExperiment(payload, () => ({
      ok: false,
      problems: [{ path: 'task', message: 'unknown task' }],
    }));
    expect(result).toEqual({ ok: false, problems: [{ path: 'task', message: 'unknown task' }] });
  });

  it('returns null for a hash without an experiment', () => {
    expect(payloadFromHash('')).toBeNull();
    expect(payloadFromHash('#other=1')).toBeNull();
  });
});
