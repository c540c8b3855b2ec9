import { classifyAddress, ipv6Words } from './address-policy';
import { hostOf } from './url-policy';

/** What the classifier says about the host of `http://<form>/`, as WHATWG URL parsing leaves it. */
function verdictOfUrlHost(form: string): string {
  const verdict = classifyAddress(hostOf(new URL(`http://${form}/`)));
  return verdict.public ? 'public' : verdict.kind;
}

const verdictOf = (address: string): string => {
  const verdict = classifyAddress(address);
  return verdict.public ? 'public' : verdict.kind;
};

describe('address classifier: IPv4', () => {
  it.each([
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['10.0.0.1', 'private'],
    ['10.255.255.255', 'private'],
    ['100.64.0.1', 'private'],
    ['100.127.255.254', 'private'],
    ['100.128.0.1', 'public'],
    ['127.0.0.1', 'loopback'],
    ['127.255.255.254', 'loopback'],
    ['169.254.169.254', 'link-local'],
    ['169.254.0.1', 'link-local'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.15.255.255', 'public'],
    ['172.32.0.1', 'public'],
    ['192.0.0.8', 'special-purpose'],
    ['192.0.2.10', 'documentation'],
    ['192.88.99.1', 'special-purpose'],
    ['192.168.1.1', 'private'],
    ['198.18.0.1', 'benchmarking'],
    ['198.19.255.255', 'benchmarking'],
    ['198.20.0.1', 'public'],
    ['198.51.100.7', 'documentation'],
    ['203.0.113.9', 'documentation'],
    ['224.0.0.1', 'multicast'],
    ['239.255.255.250', 'multicast'],
    ['240.0.0.1', 'reserved'],
    ['255.255.255.254', 'reserved'],
    ['255.255.255.255', 'broadcast'],
    ['8.8.8.8', 'public'],
    ['1.1.1.1', 'public'],
    ['93.184.215.14', 'public'],
    ['9.255.255.255', 'public'],
    ['11.0.0.1', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(verdictOf(address)).toBe(expected);
  });
});

describe('address classifier: IPv6', () => {
  it.each([
    ['::', 'unspecified'],
    ['::1', 'loopback'],
    ['0:0:0:0:0:0:0:1', 'loopback'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:7f00:1', 'loopback'],
    ['::ffff:a9fe:a9fe', 'link-local'],
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:8.8.8.8', 'public'],
    ['::127.0.0.1', 'loopback'],
    ['::8.8.8.8', 'reserved'],
    ['64:ff9b::127.0.0.1', 'loopback'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::808:808', 'public'],
    ['64:ff9b:1::1.2.3.4', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:c0a8:101::1', 'private'],
    ['2002:808:808::1', 'public'],
    // Teredo: server 65.54.227.120, client 127.0.0.1 (stored inverted) / 192.168.1.1 / 8.8.8.8
    ['2001:0:4136:e378:8000:63bf:80ff:fffe', 'loopback'],
    ['2001:0:4136:e378:8000:63bf:3f57:fefe', 'private'],
    ['2001:0:4136:e378:8000:63bf:f7f7:f7f7', 'special-purpose'],
    ['2001:2::1', 'special-purpose'],
    ['2001:db8::1', 'documentation'],
    ['3fff::1', 'documentation'],
    ['100::1', 'reserved'],
    ['fc00::1', 'private'],
    ['fd12:3456:789a::1', 'private'],
    ['fe80::1', 'link-local'],
    ['febf::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['fec0::1', 'private'],
    ['ff02::1', 'multicast'],
    ['ff05::2', 'multicast'],
    ['5f00::1', 'reserved'],
    ['4000::1', 'reserved'],
    ['2606:4700:4700::1111', 'public'],
    ['2001:4860:4860::8888', 'public'],
    ['2a00:1450:4001:82a::200e', 'public'],
  ])('%s is %s', (address, expected) => {
    expect(verdictOf(address)).toBe(expected);
  });
});

describe('address classifier: every spelling a URL allows, as WHATWG parsing normalises it', () => {
  it.each([
    ['127.0.0.1', 'loopback'],
    ['2130706433', 'loopback'],
    ['017700000001', 'loopback'],
    ['0x7f000001', 'loopback'],
    ['0x7f.1', 'loopback'],
    ['0177.0.0.1', 'loopback'],
    ['0x7f.0.0.1', 'loopback'],
    ['127.1', 'loopback'],
    ['127.0.1', 'loopback'],
    ['127.0.0.1.', 'loopback'],
    ['%31%32%37.0.0.1', 'loopback'],
    ['①②⑦.0.0.1', 'loopback'],
    ['127。0。0。1', 'loopback'],
    ['０ｘ７ｆ.1', 'loopback'],
    ['0', 'unspecified'],
    ['0x0', 'unspecified'],
    ['4294967295', 'broadcast'],
    ['0xa9fea9fe', 'link-local'],
    ['169.254.43518', 'link-local'],
    ['0251.0376.0251.0376', 'link-local'],
    ['10.1', 'private'],
    ['012.0.0.1', 'private'],
    ['0xc0.0xa8.1.1', 'private'],
    ['3232235777', 'private'],
    ['[::1]', 'loopback'],
    ['[0:0:0:0:0:0:0:1]', 'loopback'],
    ['[::ffff:127.0.0.1]', 'loopback'],
    ['[::ffff:7f00:1]', 'loopback'],
    ['[0:0:0:0:0:ffff:127.0.0.1]', 'loopback'],
    ['[::ffff:169.254.169.254]', 'link-local'],
    ['[::127.0.0.1]', 'loopback'],
    ['[64:ff9b::10.0.0.1]', 'private'],
    ['[::]', 'unspecified'],
    ['[FE80::1]', 'link-local'],
    ['[fd00::1]', 'private'],
    ['134744072', 'public'],
    ['0x8.0x8.0x8.0x8', 'public'],
    ['[2606:4700:4700::1111]', 'public'],
  ])('http://%s/ is %s', (form, expected) => {
    expect(verdictOfUrlHost(form)).toBe(expected);
  });
});

describe('IPv6 parsing', () => {
  it('expands every form to eight words', () => {
    expect(ipv6Words('::')).toEqual([0, 0, 0, 0, 0, 0, 0, 0]);
    expect(ipv6Words('::ffff:1.2.3.4')).toEqual([0, 0, 0, 0, 0, 0xffff, 0x0102, 0x0304]);
    expect(ipv6Words('2001:db8::1')).toEqual([0x2001, 0xdb8, 0, 0, 0, 0, 0, 1]);
    expect(ipv6Words('1:2:3:4:5:6:7:8')).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(ipv6Words('1:2:3:4:5:6:1.2.3.4')).toEqual([1, 2, 3, 4, 5, 6, 0x0102, 0x0304]);
  });

  it('refuses what is not an address', () => {
    for (const text of ['1::2::3', '1:2:3', 'g::1', '::1.2.3.256', '1:2:3:4:5:6:7:8:9']) expect(ipv6Words(text)).toBeUndefined();
    for (const text of ['', 'localhost', '1.2.3', '01.2.3.4', '::g']) expect(verdictOf(text)).toBe('invalid');
  });
});
