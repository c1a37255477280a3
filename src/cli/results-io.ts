/**
 * Results files on disk: written as JSON, gzipped when the name ends in `.gz`; read back whatever
 * the name, by gzip's magic number.
 */
import { writeFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { gunzip, gzip } from 'node:zlib';
import { describeProblems } from '../core/validation';
import { parseJsonBytes } from '../core/input/text';
import { isGzip, parseResultsFile, type ResultsFile } from '../core/records/results-file';

export async function writeResults(path: string, file: ResultsFile): Promise<void> {
  // The full form stays readable in an editor; the compact one is for keeping.
  const text = file.form === 'full' ? JSON.stringify(file, null, 1) : JSON.stringify(file);
  await writeFile(path, path.endsWith('.gz') ? await promisify(gzip)(text) : text);
}

export type ReadResults = { ok: true; file: ResultsFile } | { ok: false; message: string };

/** Results files may be large: a 64-run comparison in full form is tens of megabytes. */
const MAX_RESULTS_BYTES = 512 * 1024 * 1024;

/** Bytes of a file already read: gunzipped if needed, decoded as strict UTF-8, parsed, validated. */
export async function decodeResults(path: string, bytes: Uint8Array): Promise<ReadResults> {
  let plain: Uint8Array = bytes;
  if (isGzip(bytes)) {
    try {
      plain = await promisify(gunzip)(bytes, { maxOutputLength: MAX_RESULTS_BYTES });
    } catch (error) {
      return { ok: false, message: `${path}: not a valid gzip file (${(error as Error).message})` };
    }
  }
  const json = parseJsonBytes(plain, MAX_RESULTS_BYTES);
  if (!json.ok) return { ok: false, message: `${path}: ${json.problems[0].message}` };
  const parsed = parseResultsFile(json.value);
  if (!parsed.ok)
    return { ok: false, message: `${path}: invalid results file\n${describeProblems(parsed.problems)}` };
  return { ok: true, file: parsed.value };
}
