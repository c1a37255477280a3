import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // The model zoo from public/zoo, as the CLI reads it.
    setupFiles: ['test/unit/setup-zoo.ts'],
    // Generous: the machines are shared, and under load 20 a training test runs 3-4x slower than idle.
    testTimeout: 300_000,
    hookTimeout: 60_000,
  },
});
