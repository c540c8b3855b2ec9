// End-to-end specs: the real AppModule with configureApp, real sockets on 127.0.0.1,
// a real redis-server where the test is about shared state, local fakes of upstream APIs.
/** @type {import('jest').Config} */
module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/test'],
  testRegex: '.*\\.e2e-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.(t|j)s$': ['@swc/jest'] },
  // parse5 and linkedom's CommonJS build need these ES-module-only packages; Node loads them natively,
  // Jest's module runtime needs them compiled to CommonJS.
  transformIgnorePatterns: ['/node_modules/(?!(parse5|css-select|css-what|domutils|domhandler|domelementtype|entities|nth-check|boolbase|cssomnom|dom-serializer)/)'],
  testEnvironment: 'node',
  testTimeout: 60000,
  globalSetup: '<rootDir>/test/support/require-test-ca.js',
};
