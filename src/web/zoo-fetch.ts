/**
 * The model zoo over the network: the manifest, then only the checkpoint a run needs. Checkpoints
 * are kept in the Cache Storage under their hash, so a second run (or a reload) fetches nothing;
 * the trainer checks every checkpoint's SHA-256 against the manifest whichever way it came.
 */
import {
  ZOO_DIR,
  ZOO_MANIFEST,
  parseZooManifest,
  type ZooManifest,
  type ZooSource,
} from '../core/zoo/manifest';

const CACHE = 'focal-lab-zoo';

async function fetchOk(url: URL): Promise<Response> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`could not fetch ${url.pathname}: HTTP ${response.status}`);
  return response;
}

/**
 * The zoo at `siteRoot` (where public/ is served). The caller says where that is: the page knows
 * it as its document's base, a worker as the folder above its own script (workers/ in dev, assets/
 * built), and this module, bundled into both, could not tell from its own URL.
 */
export function fetchZooSource(siteRoot: URL): ZooSource {
  const base = new URL(`${ZOO_DIR}/`, siteRoot);
  let manifest: Promise<ZooManifest> | null = null;
  return {
    manifest() {
      manifest ??= fetchOk(new URL(ZOO_MANIFEST, base))
        .then((r) => r.json())
        .then(parseZooManifest);
      manifest.catch(() => (manifest = null));
      return manifest;
    },
    async bytes(file, sha256) {
      const url = new URL(file, base);
      const key = `${url.href}?sha256=${sha256}`;
      const cache = typeof caches !== 'undefined' ? await caches.open(CACHE).catch(() => null) : null;
      const hit = await cache?.match(key);
      if (hit) return new Uint8Array(await hit.arrayBuffer());
      const bytes = new Uint8Array(await (await fetchOk(url)).arrayBuffer());
      await cache?.put(key, new Response(bytes)).catch(() => undefined);
      return bytes;
    },
  };
}
