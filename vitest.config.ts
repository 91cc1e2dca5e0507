import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The same path aliases as tsconfig.json (esbuild reads them from there).
  resolve: {
    alias: {
      '@contract': fileURLToPath(new URL('./contract', import.meta.url)),
      '@proxy': fileURLToPath(new URL('./proxy/src', import.meta.url)),
    },
  },
  test: {
    include: ['test/**/*.test.ts'],
    exclude: ['test/e2e/**', 'node_modules/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Tests start real servers and SQLite files; two cores, so keep parallelism modest.
    pool: 'forks',
    maxWorkers: 2,
  },
});
