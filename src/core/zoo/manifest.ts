/**
 * The zoo's manifest (`public/zoo/manifest.json`): one entry per task x size with its file, its
 * SHA-256, the tensor layout of the file and the figures measured when it was trained. Validated
 * like every other input: a damaged manifest or checkpoint is refused with a message naming it.
 */
import { z } from 'zod';
import type { WeightArray } from '../policy';
import { MODEL_SIZES, type ModelSize } from '../experiment/schema';
import { problemsOf } from '../validation';
import { decodeWeights, sha256 } from './codec';

export const ZOO_MANIFEST_VERSION = 1;
/** Where the zoo lives, relative to the site root (the app) or the repository's public/ (the CLI). */
export const ZOO_DIR = 'zoo';
export const ZOO_MANIFEST = 'manifest.json';

const figuresSchema = z.object({
  steps: z.number().int().min(0),
  seconds: z.number().min(0),
  loss: z.number(),
  entropy: z.number(),
  gap: z.number(),
  reached: z.boolean(),
  criteria: z.array(z.string()),
  step0: z.array(z.number()),
  base: z.array(z.number()),
  step0RubricScore: z.number(),
  baseRubricScore: z.number(),
  step0AllPass: z.number(),
  /** Held-out loss of the float16 weights as shipped, and the largest change of a token's log-probability. */
  shippedLoss: z.number(),
  maxLogProbChange: z.number(),
  lossCurve: z.array(z.object({ step: z.number(), gap: z.number(), lr: z.number() })),
});

export const zooEntrySchema = z.object({
  task: z.string(),
  size: z.enum(MODEL_SIZES),
  file: z.string().regex(/^[a-z0-9-]+\.bin$/, 'a plain file name ending in .bin'),
  sha256: z.string().regex(/^[0-9a-f]{64}$/, '64 lower-case hex digits'),
  bytes: z.number().int().positive(),
  layout: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().positive()) })),
  figures: figuresSchema,
});

export const zooManifestSchema = z.object({
  version: z.literal(ZOO_MANIFEST_VERSION),
  format: z.literal('float16-le'),
  seed: z.number().int(),
  target: z.object({ maxGap: z.number(), rateTolerance: z.number() }),
  entries: z.array(zooEntrySchema),
});

export type ZooEntry = z.infer<typeof zooEntrySchema>;
export type ZooManifest = z.infer<typeof zooManifestSchema>;

export function parseZooManifest(input: unknown): ZooManifest {
  const parsed = zooManifestSchema.safeParse(input);
  if (!parsed.success)
    throw new Error(
      `zoo manifest: ${problemsOf(parsed.error)
        .map((p) => `${p.path || '(root)'}: ${p.message}`)
        .join('; ')}`,
    );
  return parsed.data;
}

export function zooEntry(manifest: ZooManifest, task: string, size: ModelSize): ZooEntry {
  const entry = manifest.entries.find((e) => e.task === task && e.size === size);
  if (!entry) throw new Error(`the model zoo has no base policy for task "${task}" at size ${size}`);
  return entry;
}

/** Decode a checkpoint's bytes after checking their length and hash against the manifest. */
export async function checkpointWeights(entry: ZooEntry, bytes: Uint8Array): Promise<WeightArray[]> {
  if (bytes.length !== entry.bytes)
    throw new Error(`zoo checkpoint ${entry.file}: ${bytes.length} bytes, the manifest says ${entry.bytes}`);
  const hash = await sha256(bytes);
  if (hash !== entry.sha256)
    throw new Error(
      `zoo checkpoint ${entry.file}: SHA-256 ${hash} does not match the manifest's ${entry.sha256}`,
    );
  return decodeWeights(bytes, entry.layout);
}

/** The loader a runner supplies: the manifest, and a checkpoint's raw bytes by file name. */
export interface ZooSource {
  manifest(): Promise<ZooManifest>;
  /** The file's bytes; `sha256` (from the manifest) lets a cache keep versions apart. */
  bytes(file: string, sha256: string): Promise<Uint8Array>;
}

/** A checkpoint's weights through a source, hash-checked. */
export async function loadBase(source: ZooSource, task: string, size: ModelSize): Promise<WeightArray[]> {
  const entry = zooEntry(await source.manifest(), task, size);
  return checkpointWeights(entry, await source.bytes(entry.file, entry.sha256));
}
