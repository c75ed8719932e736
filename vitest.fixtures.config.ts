import { defineConfig } from 'vitest/config';
import { workspaceAliases } from './vitest.shared.js';

// End-to-end runs of the fixture repositories in ../shared/fixtures. Kept out of `npm test`.
export default defineConfig({
  resolve: { alias: workspaceAliases() },
  test: {
    include: ['e2e/**/*.fixture.test.ts'],
    testTimeout: 120_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
