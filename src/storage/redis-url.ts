/** The host:port of a Redis URL, without credentials, for logs and /status. */
export function redisHostOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '6379'}`;
}
