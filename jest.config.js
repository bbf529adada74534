/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.tsx?$': [
      '@swc/jest',
      { jsc: { target: 'es2022', parser: { syntax: 'typescript' } }, module: { type: 'commonjs' } },
    ],
  },
  moduleNameMapper: {
    '^@roomcast/shared$': '<rootDir>/shared/src/index.ts',
    '^@roomcast/server$': '<rootDir>/server/src/index.ts',
    '^@roomcast/client$': '<rootDir>/client-sdk/src/index.ts',
    '^@roomcast/client/react$': '<rootDir>/client-sdk/src/react.ts',
    '^@roomcast/client/vue$': '<rootDir>/client-sdk/src/vue.ts',
    '^@roomcast/simulators$': '<rootDir>/simulators/src/index.ts',
  },
  testTimeout: 20000,
  detectOpenHandles: true,
  forceExit: false,
};
