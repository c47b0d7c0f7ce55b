import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Integration tests start real nginx processes and Docker containers on loopback.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration tests bind loopback ports; files run one at a time so that
    // port ranges chosen per file never collide.
    fileParallelism: false,
    reporters: ['default'],
  },
});
