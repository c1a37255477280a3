/** `lab dial`'s flags: bad input is a UsageError naming the flag; nothing trains here. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../../src/cli/args';
import { parseDialResults } from '../../../src/core/dial/results';
import { dialFixture } from '../../fixtures/dial-results';
import { MD_END, MD_START, parsePoints, parseSeedList, run, spliceReport } from '../../../src/cli/dial';

describe('lab dial flags', () => {
  it('reads seed lists and ranges', () => {
    expect(parseSeedList('--seeds', '1-4')).toEqual([1, 2, 3, 4]);
    expect(parseSeedList('--seeds', '1,3, 5-6')).toEqual([1, 3, 5, 6]);
  });

  it.each([
    [['--seeds', '4-1'], /--seeds/],
    [['--seeds', 'a'], /--seeds/],
    [['--seeds', '1,1'], /--seeds: a seed is listed twice/],
    [['--tuning-seeds', '1-3', '--seeds', '1-8'], /--tuning-seeds: seed 1 is also a compared seed/],
    [['--points', 'nowhere'], /--points: unknown point "nowhere"/],
    [['--arms', 'static,best'], /--arms: unknown value "best"/],
    [['--sizes', 'huge'], /--sizes: unknown value "huge"/],
    [['--task', 'atlantis'], /--task: unknown task "atlantis"/],
    [['--steps', '0'], /--steps/],
    [['--eval-samples', '65'], /--eval-samples/],
    [['--backend', 'webgpu'], /--backend/],
    [['--from', 'x.json', '--steps', '5'], /--steps applies to a run/],
    [['--from', 'x.json', '--out', 'y.json'], /--out with --from writes a merged file/],
    [['--from', 'x.json,'], /--from: an empty file name/],
    [['--colour'], /colour/],
    [['extra'], /unexpected argument "extra"/],
  ])('refuses %j', async (argv, message) => {
    await expect(run(argv)).rejects.toThrow(UsageError);
    await expect(run(argv)).rejects.toThrow(message);
  });

  it('reads a missing results file as bad input (exit 2), not a crash', async () => {
    expect(await run(['--from', '/nonexistent/dial.json'])).toBe(2);
  });

  it('merges several results files given to --from, and refuses to merge a file with itself', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'focal-dial-'));
    const parsed = parseDialResults(dialFixture());
    if (!parsed.ok) throw new Error(parsed.message);
    const whole = parsed.value;
    const [a, b, out] = ['a.json', 'b.json', 'merged.json'].map((f) => join(dir, f));
    writeFileSync(a, JSON.stringify({ ...whole, points: whole.points.slice(0, 2) }));
    writeFileSync(b, JSON.stringify({ ...whole, points: whole.points.slice(2) }));
    expect(await run(['--from', `${a},${b}`, '--out', out])).toBe(0);
    const merged = parseDialResults(JSON.parse(readFileSync(out, 'utf8')));
    expect(merged.ok && merged.value.points.map((p) => p.id)).toEqual(whole.points.map((p) => p.id));
    expect(await run(['--from', `${a},${a}`, '--out', out])).toBe(2);
  });

  it('names points by id or by a dial value', () => {
    expect(parsePoints('centre,baseRate=0.05,conflict=strong')).toEqual(['centre', 'conflict=strong']);
  });

  it('replaces only the report between its markers', () => {
    const old = `# Dial\n\nintro\n\n${MD_START}\n\nold\n\n${MD_END}\n\nlead's text\n`;
    const next = spliceReport(old, 'new');
    expect(next).toContain('intro');
    expect(next).toContain("lead's text");
    expect(next).toContain('new');
    expect(next).not.toContain('old');
    expect(spliceReport('', 'r')).toBe(`${MD_START}\n\nr\n\n${MD_END}\n`);
  });
});
