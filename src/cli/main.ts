/** Entry point of `npm run lab -- <command> [options]`. */
import { setZooSource } from '../core/zoo/source';
import { dispatch } from './dispatch';
import { relaunchForVulkan, wantsWebgpu } from './vulkan';
import { diskZooSource } from './zoo-source';

setZooSource(diskZooSource());

/** The commands that accept webgpu; the others refuse it themselves, with no relaunch first. */
const WEBGPU_COMMANDS = new Set(['run', 'compare', 'bench']);

async function main(argv: string[]): Promise<number> {
  // WebGPU in Node needs the Vulkan loader on LD_LIBRARY_PATH from the process's start.
  if (WEBGPU_COMMANDS.has(argv[0]) && wantsWebgpu(argv)) {
    const relaunched = await relaunchForVulkan();
    if (typeof relaunched === 'number') return relaunched;
    if (typeof relaunched === 'string') {
      console.error(relaunched);
      return 2;
    }
  }
  return dispatch(argv);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    process.exitCode = 1;
  },
);
