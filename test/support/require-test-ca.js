// The e2e suites reach local HTTPS fakes signed by test/fakes/tls/ca.pem. Node trusts it only
// when NODE_EXTRA_CA_CERTS is set before the process starts, which scripts/test.sh does.
const { join } = require('node:path');

module.exports = async () => {
  const expected = join(__dirname, '..', 'fakes', 'tls', 'ca.pem');
  if (process.env.NODE_EXTRA_CA_CERTS !== expected) {
    throw new Error(`Run e2e tests with NODE_EXTRA_CA_CERTS=${expected} (npm test sets it).`);
  }
};
