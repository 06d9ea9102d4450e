/** Tests run the TypeScript sources directly (swc strips types; `npm run typecheck` checks them). */
module.exports = {
  testEnvironment: '<rootDir>/jest.environment.cjs',
  roots: ['<rootDir>/packages'],
  testMatch: ['**/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest', { jsc: { target: 'es2022' } }] },
  moduleNameMapper: {
    '^@impasto/core$': '<rootDir>/packages/core/src/index.ts',
    '^@impasto/core/(fst|nst|onnx|autodiff|ast|flow|client)$': '<rootDir>/packages/core/src/entries/$1.ts',
    '^@impasto/node$': '<rootDir>/packages/node/src/index.ts',
    '^@impasto/test-support/(.*)$': '<rootDir>/scripts/$1',
  },
  testTimeout: 120000,
};
