import { Logger } from '@nestjs/common';
import type { CommitRequest } from '../storage/state-store';
import { costHarness, identity, usageCosting } from '../../test/support/cost-harness';
import { classifyCommitError, STALLED_AFTER_MS } from './ledger-commit-policy';

/** A Redis reply error as ioredis raises it. */
const replyError = (message: string) => Object.assign(new Error(message), { name: 'ReplyError' });

describe('LedgerGuard and the ledger under poisoned charges', () => {
  let logs: jest.SpyInstance[];
  beforeEach(() => (logs = (['log', 'warn', 'error'] as const).map((level) => jest.spyOn(Logger.prototype, level).mockImplementation(() => undefined))));
  afterEach(() => logs.forEach((spy) => spy.mockRestore()));

  const ABSURD = { output_tokens: 1e300, output_token_details: { text_tokens: 1e300 } };

  it('charges an absurd usage report the per-response bound, counts it, and keeps counting what follows', async () => {
    const h = costHarness({ maxHourlyCostUsd: 50, breakerThresholdUsd: 100, maxSessionCostUsd: 1_000 });
    // gpt-realtime-2: 128,000 × $32/1M + 32,000 × $64/1M.
    await h.service.admit('s1', identity());
    const verdict = await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_absurd', ABSURD);
    expect(verdict.update.sessionCostUsd).toBe(6.144);
    expect(await h.metric('ducke_cost_charges_rejected_total', { reason: 'clamped' })).toBe(1);
    expect(await h.metric('ducke_tokens_total')).toBe(0); // its token counts are not counted either
    await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'resp_2', usageCosting(24_000));
    expect(await h.ledger.hourlySpend()).toBe(6_144_000 + 24_000);
    expect(h.ledger.backlog()).toEqual({ charges: 0, micro: 0, oldestMs: 0 });
  });

  it('takes a charge the store refuses out of the queue at once and opens the breaker; the ones behind it are written', async () => {
    const h = costHarness({ breakerThresholdUsd: 100 });
    h.switchable.refuse = (method, args) => (method === 'commit' && (args[0] as CommitRequest).amount === 48 ? replyError('WRONGTYPE Operation against a key holding the wrong kind of value') : undefined);
    await h.service.admit('s1', identity());
    await h.service.admit('s2', identity(2));
    await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'poison', usageCosting(48));
    expect(h.ledger.backlog().charges).toBe(0);
    await h.service.recordResponseUsage('s2', 'gpt-realtime-2', 'ok', usageCosting(240));
    expect(await h.ledger.hourlySpend()).toBe(240);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await h.metric('ducke_cost_charges_rejected_total', { reason: 'refused' })).toBe(1);
    expect(h.breaker.knownOpen()).toBe(true);
    expect(await h.metric('ducke_circuit_breaker_activations_total')).toBe(1);
    expect(await h.service.admit('s3', identity(3))).toMatchObject({ admitted: false, code: 'circuit_open' });
  });

  it('rejects a charge that keeps timing out while the ledger answers, after three strikes, without holding up the others', async () => {
    const h = costHarness({ breakerThresholdUsd: 100 });
    h.switchable.refuse = (method, args) => (method === 'commit' && (args[0] as CommitRequest).amount === 72 ? new Error('Command timed out') : undefined);
    await h.service.admit('s1', identity());
    await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'stuck', usageCosting(72));
    expect(h.ledger.backlog()).toMatchObject({ charges: 1, micro: 72 });
    // Later charges queue behind it, and each flush writes them first.
    await h.service.recordResponseUsage('s2', 'gpt-realtime-2', 'later', usageCosting(24));
    await h.timers.poll();
    expect(await h.ledger.hourlySpend()).toBe(24);
    await h.timers.poll();
    expect(h.breaker.knownOpen()).toBe(false);
    await h.timers.poll();
    expect(h.ledger.backlog().charges).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await h.metric('ducke_cost_charges_rejected_total', { reason: 'stuck' })).toBe(1);
    expect(h.breaker.knownOpen()).toBe(true);
  });

  it('writes good charges first in every flush, even behind several that keep failing', async () => {
    const h = costHarness({ breakerThresholdUsd: 100 });
    const stuck = new Set([72, 96]);
    h.switchable.refuse = (method, args) => (method === 'commit' && stuck.has((args[0] as CommitRequest).amount) ? new Error('Command timed out') : undefined);
    await h.service.recordResponseUsage('a', 'gpt-realtime-2', 'stuck_1', usageCosting(72));
    await h.service.recordResponseUsage('b', 'gpt-realtime-2', 'stuck_2', usageCosting(96));
    for (let i = 0; i < 5; i++) await h.service.recordResponseUsage(`good${i}`, 'gpt-realtime-2', `g${i}`, usageCosting(24));
    await h.timers.poll();
    expect(await h.ledger.hourlySpend()).toBe(5 * 24);
    expect(h.ledger.backlog()).toMatchObject({ charges: 2, micro: 168 });
    await h.timers.poll();
    await h.timers.poll();
    expect(h.ledger.backlog().charges).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(await h.metric('ducke_cost_charges_rejected_total', { reason: 'stuck' })).toBe(2);
  });

  it('does not strike charges while the ledger is down (an outage), and writes them all when it is back', async () => {
    const h = costHarness();
    h.switchable.down = true;
    for (let i = 0; i < 5; i++) await h.service.recordResponseUsage(`s${i}`, 'gpt-realtime-2', `r${i}`, usageCosting(24));
    for (let i = 0; i < 5; i++) await h.timers.poll();
    expect(h.ledger.backlog()).toMatchObject({ charges: 5, micro: 120 });
    h.switchable.down = false;
    await h.timers.poll();
    expect(await h.ledger.hourlySpend()).toBe(120);
    expect(await h.metric('ducke_cost_charges_rejected_total')).toBe(0);
  });

  it('refuses new sessions and says so in /status while the queue has not drained for 10 s', async () => {
    const h = costHarness();
    h.switchable.refuse = (method) => (method === 'commit' ? new Error('Command timed out') : undefined);
    await h.service.recordResponseUsage('s1', 'gpt-realtime-2', 'r1', usageCosting(24));
    expect(await h.service.admit('early', identity())).toEqual({ admitted: true });
    h.clock.advance(STALLED_AFTER_MS);
    expect(await h.service.admit('late', identity(2))).toMatchObject({ admitted: false, code: 'upstream_error', retryAfterSec: 5 });
    h.init();
    const status = await h.status.collect();
    h.destroy();
    expect(status.sessions).toMatchObject({ accepting: false, reason: 'ledger_backlog', ledgerQueue: { charges: 1, usd: 0.000024, oldestSec: 10 } });
    await h.timers.poll();
    expect(await h.metric('ducke_cost_ledger_queue_age_seconds')).toBeGreaterThanOrEqual(10);
  });

  it('tells refusals from outages', () => {
    expect(classifyCommitError(new RangeError('amount must be a safe integer, got 1e+300'))).toBe('refused');
    expect(classifyCommitError(replyError('ERR Error running script: bad argument'))).toBe('refused');
    expect(classifyCommitError(replyError('LOADING Redis is loading the dataset in memory'))).toBe('outage');
    expect(classifyCommitError(replyError('ERR max number of clients reached'))).toBe('outage');
    expect(classifyCommitError(new Error('Connection is closed.'))).toBe('outage');
    expect(classifyCommitError(new Error('Command timed out'))).toBe('outage');
  });
});
