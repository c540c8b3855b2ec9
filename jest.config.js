// Unit specs live beside the code they test (src/**/*.spec.ts, and the page's views/src/**/*.spec.ts).
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/views/src'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  testEnvironment: 'node',
};
