/**
 * Share links: an experiment travels as data in the URL hash (`#x=...`), as JSON compressed with
 * deflate-raw and written in base64url without padding. Decoding never evaluates anything: it
 * inflates with a size cap, parses JSON and validates with the experiment schema; every rejection
 * says what was wrong.
 */
import { EXPERIMENT_VERSION, OLDEST_EXPERIMENT_VERSION, type Experiment } from '../experiment/schema';
import { parseExperiment } from '../experiment/resolve';
import { readableVersion } from '../experiment/migrate';
import type { Parsed } from '../validation';

/** The hash parameter that carries an experiment. */
export const SHARE_PARAM = 'x';
/** Longest encoded payload accepted (characters); browsers handle far more, people's tools do not. */
export const MAX_ENCODED_CHARS = 48_000;
/** Largest inflated JSON accepted (bytes): a guard against decompression bombs. */
export const MAX_JSON_BYTES = 256_000;

export type ExperimentValidator = (input: unknown) => Parsed<Experiment>;

const fail = (message: string, path = ''): Parsed<never> => ({ ok: false, problems: [{ path, message }] });

export function toBase64Url(bytes: Uint8Array): string {
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk)
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/** Returns null when `text` is not base64url (the padding-free alphabet only). */
export function fromBase64Url(text: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(text) || text.length % 4 === 1) return null;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    const binary = atob(padded);
    const bytes = new Uint8Array(binary.length);
    for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    return bytes;
  } catch {
    return null;
  }
}

async function readAll(
  stream: ReadableStream<Uint8Array>,
  maxBytes: number,
): Promise<Uint8Array | 'too-large'> {
  const reader = stream.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.length;
    if (total > maxBytes) {
      await reader.cancel().catch(() => undefined);
      return 'too-large';
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

async function transform(
  bytes: Uint8Array,
  stream: CompressionStream | DecompressionStream,
  maxBytes: number,
): Promise<Uint8Array | 'too-large'> {
  const writer = stream.writable.getWriter();
  // Errors surface on the readable side; the writer's own rejections would otherwise go unhandled.
  writer.write(bytes as Uint8Array<ArrayBuffer>).catch(() => undefined);
  writer.close().catch(() => undefined);
  return readAll(stream.readable, maxBytes);
}

/** The payload of a share link for an experiment that already passed the schema. */
export async function encodeExperiment(experiment: Experiment): Promise<string> {
  const json = new TextEncoder().encode(JSON.stringify(experiment));
  const deflated = await transform(json, new CompressionStream('deflate-raw'), Number.MAX_SAFE_INTEGER);
  if (deflated === 'too-large') throw new Error('unreachable');
  return toBase64Url(deflated);
}

/** Decode and validate a share-link payload; never throws. */
export async function decodeExperiment(
  payload: string,
  validate: ExperimentValidator = parseExperiment,
): Promise<Parsed<Experiment>> {
  if (payload.length === 0) return fail('the link carries no experiment (empty payload)');
  if (payload.length > MAX_ENCODED_CHARS)
    return fail(`the link is too long (${payload.length} characters; at most ${MAX_ENCODED_CHARS})`);
  const bytes = fromBase64Url(payload);
  if (bytes === null) return fail('the link is damaged: its payload is not base64url text');
  let inflated: Uint8Array | 'too-large';
  try {
    inflated = await transform(bytes, new DecompressionStream('deflate-raw'), MAX_JSON_BYTES);
  } catch {
    return fail('the link is damaged: its payload does not decompress (was it cut off?)');
  }
  if (inflated === 'too-large')
    return fail(`the link's experiment is too large (over ${MAX_JSON_BYTES} bytes)`);
  let data: unknown;
  try {
    data = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(inflated));
  } catch {
    return fail('the link is damaged: its payload is not JSON');
  }
  if (typeof data !== 'object' || data === null || Array.isArray(data))
    return fail('the link does not describe an experiment (expected an object)');
  const version = (data as Record<string, unknown>).version;
  if (!readableVersion(version))
    return fail(
      `experiment version ${JSON.stringify(version)} is not supported (this app reads versions ${OLDEST_EXPERIMENT_VERSION} to ${EXPERIMENT_VERSION})`,
      'version',
    );
  return validate(data);
}

/** The payload of `#x=...` in a location hash, or null when the hash carries none. */
export function payloadFromHash(hash: string): string | null {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  return params.get(SHARE_PARAM);
}

/**
 * The payload of a share link given whole (`https://host/path/#x=...`), as its hash (`#x=...`)
 * or as `x=...`, for the command line; `''` for a URL that carries none (decoding then says so),
 * and null when `text` is not a link at all (a file name).
 */
export function payloadFromLink(text: string): string | null {
  const link = text.trim();
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(link)) {
    const hash = link.indexOf('#');
    return hash >= 0 ? (payloadFromHash(link.slice(hash)) ?? '') : '';
  }
  if (link.startsWith('#')) return payloadFromHash(link) ?? '';
  if (link.startsWith(`${SHARE_PARAM}=`)) return payloadFromHash(link) ?? '';
  return null;
}

export function hashFor(payload: string): string {
  return `#${SHARE_PARAM}=${payload}`;
}
