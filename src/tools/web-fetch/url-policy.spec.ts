import { FetchRefusal } from './fetch-refusal';
import { checkUrl } from './url-policy';

const PORTS = new Set([80, 443]);

function reasonOf(text: string): string {
  try {
    checkUrl(text, PORTS);
    return 'accepted';
  } catch (error) {
    return (error as FetchRefusal).reason;
  }
}

describe('web addresses web_fetch accepts', () => {
  it.each([
    ['https://example.com/', 'https://example.com/'],
    ['http://example.com/a?b=c#frag', 'http://example.com/a?b=c'],
    ['example.com/news', 'https://example.com/news'],
    ['EXAMPLE.com.', 'https://example.com./'],
    ['https://bücher.de/', 'https://xn--bcher-kva.de/'],
    ['https://ⓔⓧⓐⓜⓟⓛⓔ.com/', 'https://example.com/'],
    ['https://example.com:443/', 'https://example.com/'],
    ['http://8.8.8.8/', 'http://8.8.8.8/'],
    ['http://[2606:4700:4700::1111]/', 'http://[2606:4700:4700::1111]/'],
    ['HTTPS://Example.COM/Path', 'https://example.com/Path'],
  ])('%s → %s', (text, href) => {
    expect(checkUrl(text, PORTS).url.href).toBe(href);
  });

  it('keeps the host name for SNI and Host, without a trailing dot', () => {
    expect(checkUrl('https://Example.com./x', PORTS)).toMatchObject({ hostname: 'example.com', literal: false, port: 443 });
    expect(checkUrl('http://[::ffff:808:808]/', PORTS)).toMatchObject({ hostname: '::ffff:808:808', literal: true, port: 80 });
  });
});

describe('web addresses web_fetch refuses before any lookup', () => {
  it.each([
    ['file:///etc/passwd', 'scheme'],
    ['ftp://example.com/', 'scheme'],
    ['gopher://example.com:70/', 'scheme'],
    ['javascript:alert(1)', 'scheme'],
    ['data:text/html,<script>', 'scheme'],
    ['ws://example.com/', 'scheme'],
    ['https://user:pass@example.com/', 'credentials'],
    ['https://user@example.com/', 'credentials'],
    ['http://127.0.0.1:80@example.com/', 'credentials'],
    ['https://example.com:8443/', 'port'],
    ['http://example.com:22/', 'port'],
    ['example.com:6379', 'port'],
    ['http://127.0.0.1/', 'private_address'],
    ['http://0x7f.1/', 'private_address'],
    ['http://2130706433/', 'private_address'],
    ['http://[::ffff:127.0.0.1]/', 'private_address'],
    ['http://169.254.169.254/latest/meta-data/', 'private_address'],
    ['http://[fd00:ec2::254]/', 'private_address'],
    ['http://0/', 'private_address'],
    ['http://localhost/', 'host_name'],
    ['http://LOCALHOST./', 'host_name'],
    ['http://api.localhost/', 'host_name'],
    ['http://metadata/', 'host_name'],
    ['http://printer.local/', 'host_name'],
    ['http://metadata.google.internal/', 'host_name'],
    ['http://router.home.arpa/', 'host_name'],
    ['http://exa mple.com/', 'invalid_url'],
    ['http://', 'invalid_url'],
    ['', 'invalid_url'],
    [`https://example.com/${'a'.repeat(2_100)}`, 'invalid_url'],
  ])('%s (%s)', (text, reason) => {
    expect(reasonOf(text)).toBe(reason);
  });

  it('honours the configured port list', () => {
    expect(checkUrl('https://example.com:8443/', new Set([443, 8443])).port).toBe(8443);
    expect(() => checkUrl('https://example.com/', new Set([8443]))).toThrow('not 443');
  });

  it('says why in a plain sentence', () => {
    expect(() => checkUrl('http://10.0.0.1/', PORTS)).toThrow('That address is inside a private network. I only read public web pages.');
    expect(() => checkUrl('http://127.0.0.1/', PORTS)).toThrow('That address is this server itself.');
    expect(() => checkUrl('http://192.0.2.1/', PORTS)).toThrow('That address is not a public internet address.');
  });
});
