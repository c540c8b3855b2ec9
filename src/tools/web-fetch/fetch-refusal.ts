// Every way web_fetch can say no, each as one plain sentence the model can speak. The reason is
// a bounded label (metrics and logs); the sentence never echoes the page's own words.
import type { ToolOutcomeKind } from '../../common/session-ports';
import type { NonPublicKind } from './address-policy';

export type RefusalReason =
  | 'invalid_url'
  | 'scheme'
  | 'credentials'
  | 'port'
  | 'host_name'
  | 'private_address'
  | 'unresolved'
  | 'redirects'
  | 'content_type'
  | 'status'
  | 'not_found'
  | 'timeout'
  | 'network'
  | 'tls'
  | 'unreadable'
  | 'aborted';

/** Reasons that are the policy saying no (outcome `refused`), as opposed to the page failing. */
const POLICY: ReadonlySet<RefusalReason> = new Set(['invalid_url', 'scheme', 'credentials', 'port', 'host_name', 'private_address', 'redirects', 'content_type']);

export class FetchRefusal extends Error {
  constructor(
    readonly reason: RefusalReason,
    message: string,
  ) {
    super(message);
    this.name = 'FetchRefusal';
  }

  get outcome(): ToolOutcomeKind {
    if (POLICY.has(this.reason)) return 'refused';
    return this.reason === 'not_found' || this.reason === 'unresolved' ? 'not_found' : 'upstream_error';
  }
}

const PUBLIC_ONLY = 'I only read public web pages.';

/** The refusal for an address that is not public unicast. */
export function addressRefusal(kind: NonPublicKind): FetchRefusal {
  switch (kind) {
    case 'loopback':
      return new FetchRefusal('private_address', `That address is this server itself. ${PUBLIC_ONLY}`);
    case 'private':
    case 'link-local':
      return new FetchRefusal('private_address', `That address is inside a private network. ${PUBLIC_ONLY}`);
    default:
      return new FetchRefusal('private_address', `That address is not a public internet address. ${PUBLIC_ONLY}`);
  }
}
