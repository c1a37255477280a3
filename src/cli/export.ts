/**
 * `lab export <experiment file | share link> --to trl --out DIR`: the files of
 * `exportToTrl` (src/core/export/trl), the same the app's "Export to TRL" button zips.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { ACCEPTABLE, exportToTrl, type Acceptable } from '../core/export/trl';
import { inputError, parseCommand, parseList, UsageError } from './args';
import { describeRefusal, loadExperiment } from './experiment-file';

export const USAGE = `Usage: npm run lab -- export <experiment.json | share link> --to trl --out DIR [options]

Writes a Python package for Hugging Face TRL: one reward function per enabled criterion, the
lab's aggregator in a GRPOTrainer subclass, train.py, requirements.txt and a README (docs/export.md).

Options:
  --to trl                 the target (TRL is the only one)
  --out DIR                the folder to write (created; files in it are overwritten)
  --variant <name>         export this variant instead of the base configuration
  --accept <list>          accept named differences from the lab instead of refusing:
                           ${ACCEPTABLE.join(', ')} (comma-separated; docs/export.md)
Exit code 2 on a bad file, link or option, and when a part cannot be exported exactly (the
reason is printed).`;

export async function run(argv: string[]): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      to: { type: 'string' },
      out: { type: 'string' },
      variant: { type: 'string' },
      accept: { type: 'string' },
    },
    USAGE,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  if (positionals.length !== 1) throw new UsageError('Expected exactly one experiment file or share link.');
  if (values.to !== 'trl')
    throw new UsageError(
      `--to: ${values.to === undefined ? 'missing' : `unknown target "${values.to}"`}; use --to trl`,
    );
  if (!values.out) throw new UsageError('--out: missing; name the folder to write');
  const accept: Acceptable[] =
    values.accept === undefined ? [] : parseList('--accept', values.accept, ACCEPTABLE);

  const loaded = await loadExperiment(positionals[0]);
  if (!loaded.ok) return inputError(loaded.message);
  const result = exportToTrl(loaded.experiment, { variant: values.variant, accept });
  if (!result.ok)
    return inputError(
      describeRefusal(positionals[0], result.problems).replace(' was not run.', ' was not exported.'),
    );
  for (const file of result.files) {
    const path = join(values.out, file.path);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, file.text);
  }
  console.log(`Wrote ${result.files.length} files to ${values.out} (see its README.md).`);
  return 0;
}
