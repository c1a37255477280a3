// Runs the browser suite: checks for Chromium (never downloads one), builds the test page (the
// app's run pool and workers, see page/) apart from `dist`, and runs Playwright, which serves the
// build with `vite preview` on 127.0.0.1.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const chromium = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromium)) {
  console.error(
    `Chromium not found at ${chromium}. Install it with \`apt-get update && apt-get install -y chromium\`, ` +
      'or set CHROMIUM_PATH to a Chromium binary. (The browser tests never download a browser.)',
  );
  process.exit(1);
}

function run(command, args) {
  const result = spawnSync(command, args, {
    stdio: 'inherit',
    env: { ...process.env, CHROMIUM_PATH: chromium },
  });
  if (result.error) throw result.error;
  if (result.status !== 0) process.exit(result.status ?? 1);
}

run('npx', ['vite', 'build', '--config', 'test/browser/vite.config.ts', '--logLevel', 'warn']);
run('npx', ['vite', 'build', '--logLevel', 'warn']);
run('npx', ['playwright', 'test', ...process.argv.slice(2)]);
