import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './vitest.shared.js';

// Suites that read ../shared (spec examples, fixtures, corpora). Kept out of `npm test`.
export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    include: ['libs/*/src/**/*.conformance.test.ts', 'services/*/src/**/*.conformance.test.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
  },
});
