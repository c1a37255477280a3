/** The model zoo read from disk (public/zoo), for the command line and the tests. */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ZOO_DIR,
  ZOO_MANIFEST,
  parseZooManifest,
  type ZooManifest,
  type ZooSource,
} from '../core/zoo/manifest';

export const ZOO_PATH = join('public', ZOO_DIR);

export function diskZooSource(dir: string = ZOO_PATH): ZooSource {
  let manifest: Promise<ZooManifest> | null = null;
  return {
    manifest: () =>
      (manifest ??= readFile(join(dir, ZOO_MANIFEST), 'utf8').then((text) =>
        parseZooManifest(JSON.parse(text)),
      )),
    bytes: async (file) => new Uint8Array(await readFile(join(dir, file))),
  };
}
