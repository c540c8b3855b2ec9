// Unit specs live beside the code they test (src/**/*.spec.ts, and the page's views/src/**/*.spec.ts);
// test/docs holds the specs that check the documentation against the code and the repository.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '.',
  roots: ['<rootDir>/src', '<rootDir>/views/src', '<rootDir>/test/docs'],
  testRegex: '.*\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  testEnvironment: 'node',
};
