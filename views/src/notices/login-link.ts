// The `loginUrl` of an `unauthorized` error becomes a link; only http(s) addresses qualify, so a
// `javascript:` URL from a confused or hostile server can never become a clickable script.

export function safeLoginUrl(url: string | undefined, base: string): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url, base);
    return parsed.protocol === 'https:' || parsed.protocol === 'http:' ? parsed.href : undefined;
  } catch {
    return undefined;
  }
}
