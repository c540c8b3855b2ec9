// What web_fetch's e2e specs inject through the Nest testing module: a name table standing for
// DNS, the one loopback address allowed to stand for a public site, and shorter time bounds.
import { execFileSync } from 'node:child_process';
import { channel } from 'node:diagnostics_channel';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getCACertificates, setDefaultCACertificates } from 'node:tls';
import type { Socket } from 'node:net';
import { ADDRESS_EXCEPTION } from '../../src/tools/web-fetch/address-exception';
import { HOST_RESOLVER, HostResolver, ResolvedAddress } from '../../src/tools/web-fetch/host-resolver';
import { DEFAULT_WEB_FETCH_LIMITS, WEB_FETCH_LIMITS, WebFetchLimits } from '../../src/tools/web-fetch/web-fetch-limits';
import type { ProviderOverride } from '../support/test-app';

/** The fake "public" site's address: loopback, accepted only through the test seam. */
export const PUBLIC_SITE_ADDRESS = '127.0.0.10';

type Answer = string[] | ((lookup: number) => string[]);

/** Names → addresses, answered like getaddrinfo; each lookup is counted per name. */
export class TableResolver implements HostResolver {
  readonly lookups = new Map<string, number>();
  private readonly table = new Map<string, Answer>();
  /** Answer for names not in the table (undefined: no such name). */
  fallback?: (name: string) => string[];

  set(name: string, answer: Answer): this {
    this.table.set(name, answer);
    return this;
  }

  lookupsOf(name: string): number {
    return this.lookups.get(name) ?? 0;
  }

  async resolve(hostname: string): Promise<ResolvedAddress[]> {
    const count = (this.lookups.get(hostname) ?? 0) + 1;
    this.lookups.set(hostname, count);
    const answer = this.table.get(hostname);
    const addresses = typeof answer === 'function' ? answer(count) : (answer ?? this.fallback?.(hostname) ?? []);
    return addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  }
}

export function webFetchOverrides(resolver: HostResolver, limits: Partial<WebFetchLimits> = {}): ProviderOverride[] {
  return [
    { provide: HOST_RESOLVER, useValue: resolver },
    { provide: ADDRESS_EXCEPTION, useValue: { address: PUBLIC_SITE_ADDRESS } },
    { provide: WEB_FETCH_LIMITS, useValue: { ...DEFAULT_WEB_FETCH_LIMITS, ...limits } },
  ];
}

/**
 * Every outgoing TCP connection this process starts while `during` runs (Node's
 * `net.client.socket` diagnostics channel), with the addresses it tried: the proof that a
 * refused fetch connected nowhere, not even briefly.
 *
 * Sockets of the global `fetch` (Node's bundled undici) are left out: web_fetch never uses it
 * (its requests go through node:http/https agents of its own), and undici may still connect for
 * a request another test file aborted — it reconnects to flush its queue after the abort — which
 * would be counted here as if web_fetch had made it.
 */
export async function connectionsDuring<T>(during: () => Promise<T>): Promise<{ result: T; sockets: number; attempts: string[] }> {
  let sockets = 0;
  const attempts: string[] = [];
  const created = channel('net.client.socket');
  const onSocket = (message: unknown) => {
    if (/internal[\\/]deps[\\/]undici/.test(new Error().stack ?? '')) return;
    sockets++;
    (message as { socket: Socket }).socket.on('connectionAttempt', (ip: string, port: number) => attempts.push(`${ip}:${port}`));
  };
  created.subscribe(onSocket);
  try {
    const result = await during();
    return { result, sockets, attempts };
  } finally {
    created.unsubscribe(onSocket);
  }
}

/**
 * A throw-away CA and a certificate for `name` (openssl), the CA trusted by this process's TLS
 * clients until `untrust()` puts the previous list back.
 */
export function trustedCertificateFor(name: string): { key: string; cert: string; untrust(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'ducke-web-fetch-'));
  const file = (base: string) => join(dir, base);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  try {
    const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
    openssl('req', '-x509', ...ec, '-keyout', file('ca.key'), '-out', file('ca.pem'), '-days', '2', '-subj', '/CN=DUCK-E web_fetch test CA');
    openssl('req', ...ec, '-keyout', file('site.key'), '-out', file('site.csr'), '-subj', `/CN=${name}`);
    writeFileSync(file('san.ext'), `subjectAltName=DNS:${name}\n`);
    openssl('x509', '-req', '-in', file('site.csr'), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial', '-out', file('site.pem'), '-days', '2', '-extfile', file('san.ext'));
    const before = getCACertificates('default');
    setDefaultCACertificates([...before, readFileSync(file('ca.pem'), 'utf8')]);
    return { key: readFileSync(file('site.key'), 'utf8'), cert: readFileSync(file('site.pem'), 'utf8'), untrust: () => setDefaultCACertificates(before) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
