/**
 * Tests run the TypeScript sources directly (swc strips types; `npm run typecheck` checks them), in
 * three projects: `unit` (no weights, no browser, no build: `npm run test:unit`, under a minute),
 * `weights` (the engines on the shared weights), `e2e` (the built CLI and packages, Chromium,
 * ffmpeg, Redis, packing). `npm test` runs all three; CI runs `npm test`.
 */
const shared = {
  testEnvironment: '<rootDir>/jest.environment.cjs',
  roots: ['<rootDir>/packages'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@impasto/core$': '<rootDir>/packages/core/src/index.ts',
    '^@impasto/core/(fst|nst|onnx|autodiff|ast|flow|client|platform)$': '<rootDir>/packages/core/src/entries/$1.ts',
    '^@impasto/node$': '<rootDir>/packages/node/src/index.ts',
    '^@impasto/node/platform$': '<rootDir>/packages/node/src/platform-entry.ts',
    '^@impasto/test-support/(.*)$': '<rootDir>/scripts/$1',
  },
};

/** Core tests that read the shared weights. */
const CORE_WITH_WEIGHTS = ['ast/network', 'ast/torch-checkpoint', 'nets/squeezenet', 'nets/tfjs-layers', 'nets/vgg19'].map((t) => `<rootDir>/packages/core/test/${t}.test.ts`);
/** Node tests that need no weights. */
const NODE_UNIT = ['backend', 'image-io'].map((t) => `<rootDir>/packages/node/test/${t}.test.ts`);
/** Tests of what a user runs: the built CLI and packages, a browser, ffmpeg, Redis, npm pack. */
const E2E = [
  ...['cli', 'readme', 'consumer', 'packaging', 'hostile', 'video', 'video-failures', 'memory-budget', 'style-scale', 'nst/nst-cli', 'train/train-cli', 'train/train-webgpu', 'webgpu', 'webgpu-device-loop', 'webgpu-placement'].map((t) => `<rootDir>/packages/node/test/${t}.test.ts`),
  '<rootDir>/packages/server/test/**/*.test.ts',
  ...['browser', 'browser-ast', 'browser-nst', 'browser-threads', 'browser-video', 'browser-webgpu', 'bundle', 'conformance'].map((t) => `<rootDir>/packages/web/test/${t}.test.ts`),
];

module.exports = {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/packages/core/test/**/*.test.ts', ...NODE_UNIT], testPathIgnorePatterns: CORE_WITH_WEIGHTS.map((p) => p.replace('<rootDir>/', '')) },
    {
      ...shared,
      displayName: 'weights',
      testMatch: [...CORE_WITH_WEIGHTS, '<rootDir>/packages/node/test/**/*.test.ts', '<rootDir>/packages/web/test/*.test.ts'],
      testPathIgnorePatterns: [...NODE_UNIT, ...E2E].map((p) => p.replace('<rootDir>/', '').replace('**/*.test.ts', '')),
    },
    { ...shared, displayName: 'e2e', testMatch: E2E, globalSetup: '<rootDir>/scripts/jest-e2e-setup.ts' },
  ],
  testTimeout: 120000,
};
