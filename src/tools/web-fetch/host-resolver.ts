// The port through which web_fetch turns a host name into addresses, once per hop. The system
// resolver in production; e2e tests provide their own name table through the Nest testing module.

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export interface HostResolver {
  /** Every address `hostname` has (none: an empty list); rejects when the lookup fails or `signal` aborts. */
  resolve(hostname: string, signal: AbortSignal): Promise<ResolvedAddress[]>;
}

export const HOST_RESOLVER = Symbol('HOST_RESOLVER');
