import { claimsAt, hs256 } from '../support/test-tokens';
import {
  CONNECT_LIMITER,
  SESSION_COST,
  TOOL_LIMITER,
  type ClientIdentity,
  type ConnectLimiter,
  type SessionCost,
  type ToolLimiter,
} from '../../src/common/session-ports';
import { startAuthApp, upgradeWith, type AuthApp } from './auth-app';

// With auth on, the identity the gate builds carries userKey = sub; the rate-limit and cost ports
// then count per user as well as per IP. Driven through the real ports of the real app.

describe('per-user limits with auth on', () => {
  let app: AuthApp;
  let connect: ConnectLimiter;
  let tools: ToolLimiter;
  let cost: SessionCost;

  beforeAll(async () => {
    app = await startAuthApp({
      RATE_LIMIT_WEBSOCKET: '2/minute',
      RATE_LIMIT_WEATHER_API: '2/hour',
      COST_PROTECTION_MAX_USER_COST_PER_HOUR_USD: '1.0',
      COST_PROTECTION_SESSION_RESERVATION_USD: '0.5',
      COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: '50',
    });
    connect = app.app.get(CONNECT_LIMITER);
    tools = app.app.get(TOOL_LIMITER);
    cost = app.app.get(SESSION_COST);
  });
  afterAll(() => app.close());

  /** The identity the realtime gate builds: address from the socket, userKey from the verified token. */
  async function identityOf(sub: string, ip: string): Promise<ClientIdentity> {
    const decision = await app.authenticator.authenticate(upgradeWith({ cookie: `ducke_token=${hs256(claimsAt(Date.now(), { sub }))}` }));
    if (!decision.admitted || !decision.user) throw new Error(`not admitted: ${JSON.stringify(decision)}`);
    return { ip, clientKey: ip, userKey: decision.user.sub };
  }

  it('RATE_LIMIT_WEBSOCKET counts one person across addresses; another person on the same address is not affected', async () => {
    expect(await connect.admitConnection(await identityOf('alice', '198.51.100.1'))).toEqual({ admitted: true });
    expect(await connect.admitConnection(await identityOf('alice', '198.51.100.2'))).toEqual({ admitted: true });
    expect(await connect.admitConnection(await identityOf('alice', '198.51.100.3'))).toMatchObject({ admitted: false, code: 'rate_limited' });
    expect(await connect.admitConnection(await identityOf('bob', '198.51.100.3'))).toEqual({ admitted: true });
  });

  it('tool limits count one person across addresses', async () => {
    expect(await tools.consume('weather', await identityOf('carol', '198.51.100.11'))).toEqual({ allowed: true });
    expect(await tools.consume('weather', await identityOf('carol', '198.51.100.12'))).toEqual({ allowed: true });
    expect(await tools.consume('weather', await identityOf('carol', '198.51.100.13'))).toMatchObject({ allowed: false });
    expect(await tools.consume('weather', await identityOf('dave', '198.51.100.13'))).toEqual({ allowed: true });
  });

  it('COST_PROTECTION_MAX_USER_COST_PER_HOUR_USD caps one person across sessions and addresses, not others', async () => {
    expect(await cost.admit('erin-1', await identityOf('erin', '198.51.100.21'))).toEqual({ admitted: true });
    expect(await cost.admit('erin-2', await identityOf('erin', '198.51.100.22'))).toEqual({ admitted: true });
    const third = await cost.admit('erin-3', await identityOf('erin', '198.51.100.23'));
    expect(third).toMatchObject({ admitted: false, code: 'hourly_cap', message: expect.stringContaining('You have reached your hourly spending limit') });
    expect(await cost.admit('frank-1', await identityOf('frank', '198.51.100.23'))).toEqual({ admitted: true });
    await Promise.all(['erin-1', 'erin-2', 'frank-1'].map((id) => cost.release(id)));
  });
});
