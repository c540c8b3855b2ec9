// Which IP addresses web_fetch may connect to: public unicast only. A pure module over node:net's
// BlockList, so the same rules apply to an address typed in a URL and to every address a name
// resolves to. IPv6 forms that carry an IPv4 address (mapped, NAT64, 6to4, Teredo) are judged by
// the IPv4 address inside them, so `[::ffff:127.0.0.1]` is loopback like 127.0.0.1.
import { BlockList, isIP, SocketAddress } from 'node:net';

/** Why an address is not public; each kind has its own plain sentence (see `refusalSentence`). */
export type NonPublicKind =
  | 'loopback'
  | 'private'
  | 'link-local'
  | 'unspecified'
  | 'multicast'
  | 'broadcast'
  | 'documentation'
  | 'benchmarking'
  | 'reserved'
  | 'special-purpose'
  | 'invalid';

export type AddressVerdict = { public: true } | { public: false; kind: NonPublicKind };

const PUBLIC: AddressVerdict = { public: true };
const refused = (kind: NonPublicKind): AddressVerdict => ({ public: false, kind });

/** [network, prefix length, kind], checked in order (so broadcast is named before 240/4). */
const IPV4_RANGES: Array<[string, number, NonPublicKind]> = [
  ['0.0.0.0', 8, 'unspecified'], // "this network"; 0.0.0.0 reaches the local host on Linux
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'private'], // carrier-grade NAT, shared address space
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // cloud metadata services live here
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'special-purpose'], // IETF protocol assignments
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'special-purpose'], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'benchmarking'],
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

/** IPv6 ranges refused outright (those embedding IPv4 are handled before these). */
const IPV6_RANGES: Array<[string, number, NonPublicKind]> = [
  ['::', 128, 'unspecified'],
  ['::1', 128, 'loopback'],
  ['::', 96, 'reserved'], // deprecated IPv4-compatible addresses (::a.b.c.d)
  ['64:ff9b:1::', 48, 'private'], // local-use NAT64 (RFC 8215): translated inside a network
  ['100::', 64, 'reserved'], // discard-only
  ['2001::', 23, 'special-purpose'], // IETF protocol assignments: Teredo, benchmarking, ORCHID…
  ['2001:db8::', 32, 'documentation'],
  ['3fff::', 20, 'documentation'],
  ['5f00::', 16, 'reserved'], // SRv6 segment identifiers
  ['fc00::', 7, 'private'], // unique local
  ['fe80::', 10, 'link-local'],
  ['fec0::', 10, 'private'], // deprecated site-local
  ['ff00::', 8, 'multicast'],
];

function rangeLists(ranges: Array<[string, number, NonPublicKind]>, family: 'ipv4' | 'ipv6'): { any: BlockList; each: Array<[BlockList, NonPublicKind]> } {
  const any = new BlockList();
  const each = ranges.map(([network, prefix, kind]): [BlockList, NonPublicKind] => {
    const list = new BlockList();
    list.addSubnet(network, prefix, family);
    any.addSubnet(network, prefix, family);
    return [list, kind];
  });
  return { any, each };
}

/** One list of every range answers "public?" in one check; the per-range lists name the kind. */
const IPV4_LISTS = rangeLists(IPV4_RANGES, 'ipv4');
const IPV6_LISTS = rangeLists(IPV6_RANGES, 'ipv6');
/** Global unicast: every public IPv6 address today is inside 2000::/3. */
const GLOBAL_UNICAST = new BlockList();
GLOBAL_UNICAST.addSubnet('2000::', 3, 'ipv6');

/** The kind of the first range holding `address`, or undefined when none does. */
function rangeOf(lists: ReturnType<typeof rangeLists>, address: SocketAddress): NonPublicKind | undefined {
  if (!lists.any.check(address)) return undefined;
  return lists.each.find(([list]) => list.check(address))?.[1];
}

/** Whether `address` (an IP literal, no brackets) is a public unicast address, and if not, why. */
export function classifyAddress(address: string): AddressVerdict {
  const family = isIP(address);
  if (family === 4) return classifyIpv4(address);
  if (family === 6) return classifyIpv6(address);
  return refused('invalid');
}

function classifyIpv4(address: string): AddressVerdict {
  const kind = rangeOf(IPV4_LISTS, new SocketAddress({ address, family: 'ipv4' }));
  return kind ? refused(kind) : PUBLIC;
}

function classifyIpv6(address: string): AddressVerdict {
  // A zone index (fe80::1%eth0) only means something on a local link.
  if (address.includes('%')) return refused('link-local');
  const words = ipv6Words(address);
  if (!words) return refused('invalid');
  const embedded = embeddedIpv4(words);
  if (embedded !== undefined) {
    const inner = classifyIpv4(embedded);
    // Mapped and NAT64 addresses are the IPv4 address itself; 6to4 and Teredo are refused anyway
    // below (special-purpose) unless public, but a private inside is named as such.
    if (!inner.public || isMappedOrNat64(words)) return inner;
  }
  const socketAddress = new SocketAddress({ address, family: 'ipv6' });
  const kind = rangeOf(IPV6_LISTS, socketAddress);
  if (kind) return refused(kind);
  return GLOBAL_UNICAST.check(socketAddress) ? PUBLIC : refused('reserved');
}

/** The eight 16-bit words of an IPv6 address (a trailing dotted quad allowed), or undefined. */
export function ipv6Words(address: string): number[] | undefined {
  let text = address.toLowerCase();
  let tail: number[] = [];
  const dotted = /(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (dotted) {
    const bytes = dotted.slice(1).map(Number);
    if (bytes.some((byte) => byte > 255)) return undefined;
    tail = [(bytes[0] << 8) | bytes[1], (bytes[2] << 8) | bytes[3]];
    text = text.slice(0, dotted.index);
    if (text.endsWith(':') && !text.endsWith('::')) text = text.slice(0, -1);
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string) => (part === '' ? [] : part.split(':').map((word) => (/^[0-9a-f]{1,4}$/.test(word) ? parseInt(word, 16) : NaN)));
  const head = parse(halves[0]);
  const rest = halves.length === 2 ? parse(halves[1]) : [];
  const given = head.length + rest.length + tail.length;
  if ([...head, ...rest].some(Number.isNaN)) return undefined;
  if (halves.length === 1 ? given !== 8 : given > 7) return undefined;
  return [...head, ...new Array<number>(8 - given).fill(0), ...rest, ...tail];
}

/** The IPv4 address an IPv6 address stands for or carries, when it has one. */
function embeddedIpv4(words: number[]): string | undefined {
  const quad = (high: number, low: number) => [high >> 8, high & 0xff, low >> 8, low & 0xff].join('.');
  const zeros = (from: number, to: number) => words.slice(from, to).every((word) => word === 0);
  // ::ffff:a.b.c.d (IPv4-mapped)
  if (zeros(0, 5) && words[5] === 0xffff) return quad(words[6], words[7]);
  // ::a.b.c.d (deprecated IPv4-compatible; ::1 and :: are themselves)
  if (zeros(0, 6) && words[6] !== 0) return quad(words[6], words[7]);
  // 64:ff9b::a.b.c.d (well-known NAT64 prefix)
  if (words[0] === 0x64 && words[1] === 0xff9b && zeros(2, 6)) return quad(words[6], words[7]);
  // 2002:aabb:ccdd::/48 (6to4)
  if (words[0] === 0x2002) return quad(words[1], words[2]);
  // 2001:0:<server v4>:…:<client v4 inverted> (Teredo): the client is what it leads to
  if (words[0] === 0x2001 && words[1] === 0) {
    const server = quad(words[2], words[3]);
    if (!classifyIpv4(server).public) return server;
    return quad(~words[6] & 0xffff, ~words[7] & 0xffff);
  }
  return undefined;
}

function isMappedOrNat64(words: number[]): boolean {
  return (words[0] === 0 && words[5] === 0xffff) || (words[0] === 0x64 && words[1] === 0xff9b);
}
