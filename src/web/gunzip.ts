/**
 * Unpacks gzip bytes in the browser (DecompressionStream), stopping as soon as the output passes
 * `maxBytes`, so that a small hostile file cannot unpack into gigabytes. Returns the bytes, or why
 * not, in words a message can carry after the file's name.
 */
export async function gunzipBounded(bytes: Uint8Array, maxBytes: number): Promise<Uint8Array | string> {
  const reader = new Blob([bytes as BlobPart])
    .stream()
    .pipeThrough(new DecompressionStream('gzip'))
    .getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.length;
      if (size > maxBytes) {
        await reader.cancel();
        return `unpacks to more than ${maxBytes} bytes`;
      }
      chunks.push(value);
    }
  } catch (error) {
    return `not a valid gzip file (${(error as Error).message})`;
  }
  return new Uint8Array(await new Blob(chunks as BlobPart[]).arrayBuffer());
}
