// What a web address must look like before web_fetch resolves or connects anything: http or
// https, no credentials, an allowed port, and a host that is either a public IP literal or a
// public-looking domain name. Parsing is WHATWG URL's, so every spelling of an IPv4 address
// (0x7f.1, 2130706433, 0177.0.0.1, full-width digits…) arrives here as the dotted quad it means.
import { isIPv4 } from 'node:net';
import { classifyAddress } from './address-policy';
import { addressRefusal, FetchRefusal } from './fetch-refusal';

export const URL_MAX_CHARS = 2_048;

export interface FetchTarget {
  url: URL;
  /** Lower-case host name or IP literal, without brackets or a trailing dot. */
  hostname: string;
  /** True when `hostname` is an IP address (nothing to resolve). */
  literal: boolean;
  port: number;
}

/**
 * Names that never lead to a public site: single labels (resolved through search domains, they
 * reach intranet hosts) and the special-use suffixes of local networks.
 */
const LOCAL_SUFFIXES = ['localhost', 'local', 'localdomain', 'internal', 'intranet', 'lan', 'home', 'corp', 'home.arpa', 'onion', 'invalid', 'test', 'alt'];

/** A scheme other than http(s) given explicitly ("file:", "javascript:", "gopher://"). */
const OTHER_SCHEME = /^[a-z][a-z0-9+.-]*:(?!\d)/i;

/** The target of `text`, or a FetchRefusal saying what is wrong with it. A bare "example.com" means https. */
export function checkUrl(text: string, allowedPorts: ReadonlySet<number>): FetchTarget {
  const trimmed = text.trim();
  if (trimmed.length === 0 || trimmed.length > URL_MAX_CHARS) throw new FetchRefusal('invalid_url', 'That is not a web address I can read.');
  const withScheme = /^https?:\/\//i.test(trimmed) || OTHER_SCHEME.test(trimmed) ? trimmed : `https://${trimmed}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new FetchRefusal('invalid_url', 'That is not a web address I can read.');
  }
  return checkParsedUrl(url, allowedPorts);
}

/** The same checks for a URL already parsed (a redirect's Location resolved against the page). */
export function checkParsedUrl(url: URL, allowedPorts: ReadonlySet<number>): FetchTarget {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new FetchRefusal('scheme', 'I only read http and https web pages.');
  if (url.username || url.password) throw new FetchRefusal('credentials', 'I do not open web addresses that carry a user name or password.');
  const hostname = hostOf(url);
  const literal = isIPv4(hostname) || hostname.includes(':');
  if (literal) {
    const verdict = classifyAddress(hostname);
    if (!verdict.public) throw addressRefusal(verdict.kind);
  } else {
    checkHostName(hostname);
  }
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  if (!allowedPorts.has(port)) throw new FetchRefusal('port', `I only read web pages on the usual ports (${[...allowedPorts].join(', ')}), not ${port}.`);
  url.hash = '';
  return { url, hostname, literal, port };
}

/** `url.hostname` without IPv6 brackets or the trailing dot of a fully qualified name. */
export function hostOf(url: URL): string {
  const host = url.hostname.toLowerCase();
  if (host.startsWith('[') && host.endsWith(']')) return host.slice(1, -1);
  return host.endsWith('.') ? host.slice(0, -1) : host;
}

function checkHostName(hostname: string): void {
  if (!hostname.includes('.')) throw new FetchRefusal('host_name', 'That is not a public web address: it names a machine, not a site.');
  for (const suffix of LOCAL_SUFFIXES) {
    if (hostname === suffix || hostname.endsWith(`.${suffix}`)) throw new FetchRefusal('host_name', 'That name belongs to a local network, not to a public site.');
  }
  // What is left to resolve must be a DNS name: letters, digits, hyphens (punycode included).
  if (!/^[a-z0-9_]([a-z0-9_-]{0,62})(\.[a-z0-9_]([a-z0-9_-]{0,62}))*$/.test(hostname) || hostname.length > 253) {
    throw new FetchRefusal('invalid_url', 'That is not a web address I can read.');
  }
}
