/**
 * Bytes from outside (a file chosen in the app, a file read by the CLI) to JSON: strict UTF-8
 * (a replacement character would let a damaged file run as something else), then `JSON.parse`.
 * Every refusal is a message a person can act on; the same messages in the app and the CLI.
 */
import type { Parsed } from '../validation';

const fail = (message: string): Parsed<never> => ({ ok: false, problems: [{ path: '', message }] });

/**
 * Offset of the first byte that breaks UTF-8 (overlong forms, surrogates and code points past
 * U+10FFFF included), or -1. Only used to say where, after `TextDecoder` refused.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    let cp: number;
    if (b >= 0xc2 && b <= 0xdf) [need, min, cp] = [1, 0x80, b & 0x1f];
    else if (b >= 0xe0 && b <= 0xef) [need, min, cp] = [2, 0x800, b & 0x0f];
    else if (b >= 0xf0 && b <= 0xf4) [need, min, cp] = [3, 0x10000, b & 0x07];
    else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

/** Strict UTF-8 text (a UTF-8 byte-order mark is skipped), or why the bytes are not. */
export function decodeUtf8(bytes: Uint8Array): Parsed<string> {
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return fail('the file is UTF-16 text (it starts with a UTF-16 byte-order mark); save it as UTF-8');
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    return fail(
      `the file holds a NUL byte (at byte ${nul}), so it is not UTF-8 text (UTF-16 without a byte-order mark?); save it as UTF-8`,
    );
  try {
    return { ok: true, value: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const at = firstInvalidUtf8(bytes);
    return fail(`the file is not valid UTF-8 text${at >= 0 ? ` (at byte ${at})` : ''}; save it as UTF-8`);
  }
}

/** Strict UTF-8, at most `maxBytes`, then JSON. */
export function parseJsonBytes(bytes: Uint8Array, maxBytes: number): Parsed<unknown> {
  if (bytes.length > maxBytes)
    return fail(`the file is too large (${bytes.length} bytes; at most ${maxBytes})`);
  const text = decodeUtf8(bytes);
  if (!text.ok) return text;
  try {
    return { ok: true, value: JSON.parse(text.value) };
  } catch (error) {
    return fail(`not valid JSON (${error instanceof Error ? error.message : String(error)})`);
  }
}
