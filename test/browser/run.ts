// Runs the browser suite: finds Chromium (src/cli/chromium.ts: CHROMIUM_PATH, a system browser,
// then the npm dev dependency; never a download), builds the test page (the app's run pool and
// workers, see page/) apart from `dist`, and runs Playwright, which serves the builds on 127.0.0.1.
import { spawnSync } from 'node:child_process';
import { findChromium, type FoundChromium } from '../../src/cli/chromium';

const chromium: FoundChromium = await findChromium().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
console.log(`Chromium (${chromium.source}): ${chromium.path}`);

function run(command: string, args: string[]): void {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, CHROMIUM_PATH: chromium.path },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npx', ['vite', 'build', '--config', 'test/browser/vite.config.ts', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['playwright', 'test', ...process.argv.slice(2)]);
