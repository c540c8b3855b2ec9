// Helpers for the auth specs: the real app with auth on, its SESSION_AUTHENTICATOR port, and
// POSTs to the admin endpoint over real sockets (with a chosen source address).
import { request } from 'node:http';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { EnforcementBus } from '../../src/common/enforcement-bus';
import { SESSION_AUTHENTICATOR, type EnforcementEvent, type SessionAuthenticator } from '../../src/common/session-ports';
import { TEST_SECRET } from '../support/test-tokens';
import { STATE_STORE } from '../../src/storage/inject-store.decorator';
import type { StateStore } from '../../src/storage/state-store';
import { startTestApp, type TestApp } from '../support/test-app';

export const ADMIN_TOKEN = 'adm-Hq7Vn2Lx9Pw4Rt6Ys1Kc8Jd3Mf5Gb0Zs';

export const AUTH_ENV: Record<string, string> = {
  AUTH_REQUIRED: 'true',
  JWT_SECRET_KEY: TEST_SECRET,
  ADMIN_TOKEN,
  AUTH_LOGIN_URL: 'https://login.example.com/duck-e',
  OPENAI_API_KEY: 'sk-test-duck-e',
};

export interface AuthApp extends TestApp {
  authenticator: SessionAuthenticator;
  store: StateStore;
  /** Every session end this app's authenticator announced, with the time it arrived. */
  events: Array<EnforcementEvent & { at: number }>;
}

export async function startAuthApp(env: Record<string, string | undefined> = {}): Promise<AuthApp> {
  const app = await startTestApp({ ...AUTH_ENV, ...env });
  const authenticator = app.app.get<SessionAuthenticator>(SESSION_AUTHENTICATOR);
  const events: AuthApp['events'] = [];
  // What auth announced on the enforcement bus (the cost module's decisions travel there too).
  app.app.get(EnforcementBus).subscribe((event) => {
    if (event.kind === 'end' && (event.reason === 'revoked' || event.reason === 'token_expired')) events.push({ ...event, at: Date.now() });
  });
  return { ...app, authenticator, store: app.app.get<StateStore>(STATE_STORE), events };
}

/** The headers of a /session upgrade, for the port (the gate passes the real IncomingMessage). */
export const upgradeWith = (headers: Record<string, string>): IncomingMessage =>
  ({ headers, url: '/session', socket: { remoteAddress: '127.0.0.1' } }) as unknown as IncomingMessage;

export interface PostReply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

/** POST JSON over a fresh socket; `bearer` goes into Authorization. */
export function postJson(
  url: string,
  body: unknown,
  options: { bearer?: string; localAddress?: string; rawBody?: string } = {},
): Promise<PostReply> {
  const payload = options.rawBody ?? JSON.stringify(body);
  const headers: Record<string, string> = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) };
  if (options.bearer !== undefined) headers.authorization = `Bearer ${options.bearer}`;
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'POST', headers, localAddress: options.localAddress, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }));
    });
    req.on('error', reject);
    req.end(payload);
  });
}

export const revoke = (app: TestApp, body: unknown, options: { bearer?: string; localAddress?: string } = {}) =>
  postJson(`${app.url}/admin/tokens/revoke`, body, { bearer: ADMIN_TOKEN, ...options });
