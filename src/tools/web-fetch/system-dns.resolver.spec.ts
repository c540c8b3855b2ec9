import { SystemDnsResolver } from './system-dns.resolver';

// Only names the machine answers itself (/etc/hosts): a unit test never asks a DNS server.
describe('SystemDnsResolver', () => {
  const resolver = new SystemDnsResolver();

  it('answers every address of a name, with its family', async () => {
    const addresses = await resolver.resolve('localhost', new AbortController().signal);
    expect(addresses.length).toBeGreaterThan(0);
    for (const { address, family } of addresses) expect([['127.0.0.1', 4], ['::1', 6]]).toContainEqual([address, family]);
  });

  it('gives up at once when the call is already over', async () => {
    const controller = new AbortController();
    controller.abort(new Error('session ended'));
    await expect(resolver.resolve('localhost', controller.signal)).rejects.toThrow('session ended');
  });
});
