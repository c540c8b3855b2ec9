/**
 * `{base}/{path}?{params}`: the configured base URL decides the host, the path is a constant of
 * the client, and user input only ever travels as an encoded query parameter.
 */
export function endpoint(baseUrl: string, path: string, params: Record<string, string | number>): URL {
  const url = new URL(`${baseUrl.replace(/\/+$/, '')}/${path}`);
  for (const [key, value] of Object.entries(params)) url.searchParams.set(key, String(value));
  return url;
}
