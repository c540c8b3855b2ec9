import type { FakeRealtimeCall } from '../fakes/openai/fake-realtime-call';
import { waitFor } from '../support/ports';
import { LoadClient, uniqueOffer } from './support/load-client';
import { ReliabilityStack, startReliabilityStack } from './support/reliability-stack';

// Spend safety as an attacker would try it (issue: spend safety under attack), on the BUILT app
// with a real redis-server and the fake OpenAI:
//   1. a usage report no response can produce (1e300 tokens) followed by ordinary spend: the
//      absurd one is charged the per-response bound, the rest keeps counting and the hourly cap
//      is reached; a charge Redis refuses outright opens the breaker instead of blocking the ledger;
//   2. a hang-up answering 500 while the call keeps reporting usage: still metered, its
//      reservation held, until OpenAI takes the hang-up; with the sideband lost as well, its
//      worst case is held against the cap.

const CAP_USD = 20;
/** gpt-realtime-2: 128,000 × $32/1M + 32,000 × $64/1M — what one response can cost at most. */
const BOUND_USD = 6.144;

/** A gpt-realtime-2 `response.usage` costing exactly `usd` (text output at $24 per 1M tokens; a multiple of $0.000024). */
function usageCosting(usd: number): Record<string, unknown> {
  const tokens = Math.round((usd * 1_000_000) / 24);
  if (Math.abs(tokens * 24 - usd * 1_000_000) > 1e-6) throw new Error(`${usd} is not a multiple of $0.000024`);
  return { total_tokens: tokens, input_tokens: 0, output_tokens: tokens, output_token_details: { text_tokens: tokens, audio_tokens: 0 } };
}

const ABSURD_USAGE = { total_tokens: 1e300, input_tokens: 0, output_tokens: 1e300, output_token_details: { text_tokens: 1e300, audio_tokens: 0 } };

describe('spend safety under attack (built app, real Redis, fake OpenAI)', () => {
  let stack: ReliabilityStack;
  const clients: LoadClient[] = [];

  beforeAll(async () => {
    stack = await startReliabilityStack({
      redis: true,
      env: {
        COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: String(CAP_USD),
        COST_PROTECTION_CIRCUIT_BREAKER_THRESHOLD_USD: '1000',
        COST_PROTECTION_MAX_SESSION_COST_USD: '500',
        COST_PROTECTION_SESSION_RESERVATION_USD: '0.5',
        LOG_LEVEL: 'info',
      },
    });
  }, 60_000);

  afterAll(async () => {
    for (const client of clients) client.terminate();
    stack.realtime.refuseHangup = undefined;
    stack.realtime.refuseAttach = undefined;
    await stack?.stop();
  });

  afterEach(async () => {
    stack.realtime.refuseHangup = undefined;
    stack.realtime.refuseAttach = undefined;
    for (const client of clients.splice(0)) if (client.open) await client.stop().catch(() => client.terminate());
    // Each test starts from an empty ledger once every call of the last one has settled.
    await waitFor(async () => {
      const { conversations } = await stack.probe.status();
      return conversations.active + conversations.starting + conversations.ending + conversations.hangupsPending === 0;
    }, 20_000, 200);
    await stack.redis!.command('FLUSHALL');
  });

  /** A live conversation and its call at the fake, sideband attached. */
  async function conversation(): Promise<{ client: LoadClient; call: FakeRealtimeCall }> {
    const client = await LoadClient.open(stack.app.url);
    clients.push(client);
    const callsBefore = stack.realtime.calls.size;
    await client.start();
    const call = await stack.realtime.waitForCall(callsBefore + 1);
    await stack.realtime.waitForSideband(call);
    return { client, call };
  }

  async function startRefusal(): Promise<Record<string, unknown>> {
    const client = await LoadClient.open(stack.app.url);
    clients.push(client);
    const reply = client.next(['session.started', 'error']);
    client.send({ type: 'session.start', sdp: uniqueOffer() });
    return reply;
  }

  const sessions = async () => (await stack.probe.status()).sessions as Record<string, unknown> & { hourlySpendUsd: number; reservedUsd: number; accepting: boolean };

  it('1. an unwritable charge (1e300 tokens) is charged the bound, and ordinary spend after it still reaches the hourly cap', async () => {
    const clampedBefore = await stack.probe.metric('ducke_cost_charges_rejected_total', { reason: 'clamped' });
    const { call } = await conversation();
    call.responseDone(ABSURD_USAGE);
    await waitFor(async () => (await sessions()).hourlySpendUsd >= BOUND_USD, 5_000, 100);
    expect((await sessions()).hourlySpendUsd).toBeCloseTo(BOUND_USD, 6);

    // Ordinary spend goes on after it, on this session and on a second one, and all of it counts.
    const second = await conversation();
    for (let i = 0; i < 4; i++) call.responseDone(usageCosting(2.4));
    for (let i = 0; i < 3; i++) second.call.responseDone(usageCosting(2.4));
    const expected = BOUND_USD + 7 * 2.4;
    await waitFor(async () => Math.abs((await sessions()).hourlySpendUsd - expected) < 1e-6, 5_000, 100);

    // Past the cap: the shared ledger says so, and a new conversation is refused.
    const status = await stack.probe.status();
    expect(status.sessions).toMatchObject({ accepting: false, reason: 'hourly_cap' });
    expect(status.sessions).not.toHaveProperty('ledgerQueue');
    expect(await startRefusal()).toMatchObject({ type: 'error', code: 'hourly_cap' });
    expect(await stack.probe.metric('ducke_cost_charges_rejected_total', { reason: 'clamped' })).toBe(clampedBefore + 1);
    expect(await stack.probe.metric('ducke_cost_ledger_queued_usd')).toBe(0);
    expect(await stack.probe.metric('ducke_circuit_breaker_open')).toBe(0);
  }, 60_000);

  it('2. a call whose hang-up answers 500 stays metered, holds its reservation, and lets go once OpenAI takes the hang-up', async () => {
    const { client, call } = await conversation();
    call.responseDone(usageCosting(0.12));
    await waitFor(async () => (await sessions()).hourlySpendUsd === 0.12, 5_000, 100);
    expect((await sessions()).reservedUsd).toBeCloseTo(0.38, 6);

    stack.realtime.refuseHangup = 500;
    expect(await client.stop()).toMatchObject({ reason: 'client', code: 1000 });
    await waitFor(async () => (await stack.probe.status()).conversations.hangupsPending === 1, 10_000, 100);
    expect(call.ended).toBe(false); // still live at OpenAI
    expect(call.sidebands.size).toBe(1); // and still watched

    // Usage keeps arriving after the browser was told: every bit of it counts.
    for (let i = 0; i < 3; i++) call.responseDone(usageCosting(0.12));
    await waitFor(async () => Math.abs((await sessions()).hourlySpendUsd - 0.48) < 1e-6, 5_000, 100);
    expect((await sessions()).reservedUsd).toBeCloseTo(0.02, 6); // the reservation is still held

    stack.realtime.refuseHangup = undefined;
    await waitFor(() => call.endedBy === 'hangup', 15_000, 100);
    await waitFor(async () => (await sessions()).reservedUsd === 0, 5_000, 100);
    const { conversations } = await stack.probe.status();
    expect(conversations).toMatchObject({ hangupsPending: 0, ending: 0 });
    expect(await stack.probe.metric('ducke_hangups_failed_total', { outcome: 'hung_up' })).toBeGreaterThanOrEqual(1);
  }, 60_000);

  it('2b. with the hang-up failing and the sideband lost too, the worst case is held against the cap until the hang-up goes through', async () => {
    const { client, call } = await conversation();
    stack.realtime.refuseHangup = 503;
    await client.stop();
    await waitFor(async () => (await stack.probe.status()).conversations.hangupsPending === 1, 10_000, 100);

    stack.realtime.refuseAttach = 503;
    call.dropSidebands(1001);
    // Neither hung up nor metered: up to one maximal response a minute until OpenAI's 60-minute limit.
    await waitFor(async () => (await sessions()).reservedUsd > CAP_USD, 10_000, 100);
    expect((await sessions()).reservedUsd).toBeGreaterThanOrEqual(59 * BOUND_USD);
    expect(await stack.probe.metric('ducke_calls_unwatched_total')).toBe(1);
    expect(await startRefusal()).toMatchObject({ type: 'error', code: 'hourly_cap' });

    stack.realtime.refuseHangup = undefined;
    stack.realtime.refuseAttach = undefined;
    await waitFor(() => call.endedBy === 'hangup', 15_000, 100);
    await waitFor(async () => (await sessions()).reservedUsd === 0 && (await sessions()).accepting, 5_000, 100);
  }, 60_000);

  it('2c. a hang-up answered with a 4xx (the call is not known) counts as done: nothing waits, nothing is held', async () => {
    const { client } = await conversation();
    stack.realtime.refuseHangup = 400;
    expect(await client.stop()).toMatchObject({ reason: 'client' });
    await waitFor(async () => (await sessions()).reservedUsd === 0, 5_000, 100);
    expect((await stack.probe.status()).conversations.hangupsPending).toBe(0);
  }, 30_000);

  it('1b. a charge Redis refuses outright (a corrupted key) leaves the queue at once and opens the breaker; the ledger goes on', async () => {
    const { client, call } = await conversation();
    // The session's spend record is no longer what the ledger's script expects: every commit for
    // it is refused with WRONGTYPE.
    await stack.redis!.command(`SET ducke:cost:session:${client.sessionId} corrupted`);
    call.responseDone(usageCosting(1.2));
    await waitFor(async () => (await stack.probe.metric('ducke_circuit_breaker_open')) === 1, 5_000, 100);
    const status = await stack.probe.status();
    expect(status.sessions).toMatchObject({ accepting: false, reason: 'circuit_open', breakerOpen: true });
    expect(status.sessions).not.toHaveProperty('ledgerQueue');
    expect(await stack.probe.metric('ducke_cost_charges_rejected_total', { reason: 'refused' })).toBe(1);
    await waitFor(() => client.endedReason === 'circuit_breaker', 5_000, 100);
    expect(await startRefusal()).toMatchObject({ type: 'error', code: 'circuit_open' });
  }, 30_000);
});

describe('spend safety at shutdown (built app, real Redis, fake OpenAI)', () => {
  let stack: ReliabilityStack;
  beforeAll(async () => (stack = await startReliabilityStack({ redis: true, env: { COST_PROTECTION_MAX_TOTAL_COST_PER_HOUR_USD: String(CAP_USD), LOG_LEVEL: 'info' } })), 60_000);
  afterAll(() => stack?.stop());

  it('2d. shutting down with a hang-up still unconfirmed leaves the call\'s worst case held in Redis', async () => {
    const client = await LoadClient.open(stack.app.url);
    await client.start();
    await stack.realtime.waitForSideband(await stack.realtime.waitForCall(1));
    stack.realtime.refuseHangup = 503;
    await client.stop();
    await waitFor(async () => (await stack.probe.status()).conversations.hangupsPending === 1, 10_000, 100);
    expect(await stack.app.stop('SIGTERM')).toBe(0);
    const reply = await stack.redis!.command(`HGET ducke:cost:holds:amounts ${client.sessionId}`);
    expect(Number(reply.replace(/^\$\d+\s*/, ''))).toBeGreaterThanOrEqual(59 * BOUND_USD * 1_000_000);
    expect(stack.app.output()).toMatch(/still not confirmed hung up at shutdown/);
  }, 30_000);
});
