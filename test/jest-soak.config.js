// `npm run soak`: the long load and soak runs (test/reliability/*.soak-spec.ts), kept out of the
// default suite because they take minutes. Same transform and CA set-up as the e2e suite.
const e2e = require('./jest-e2e.config');

/** @type {import('jest').Config} */
module.exports = {
  ...e2e,
  testRegex: '.*\\.soak-spec\\.ts$',
  testTimeout: 30 * 60_000,
};
