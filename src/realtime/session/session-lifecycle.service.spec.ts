import { Logger } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { ADMITTED, refuse } from '../../common/gate-decision';
import {
  AUTH_PARTICIPANT,
  CONNECT_LIMIT_PARTICIPANT,
  COST_PARTICIPANT,
  OPENAI_KEY_PARTICIPANT,
  SESSION_METRICS_PARTICIPANT,
  SESSION_PARTICIPANT_ORDER,
  SESSION_PARTICIPANTS,
  sessionParticipantsProvider,
} from '../../common/session-lifecycle';
import type { AdmissionDecision, AdmissionPhase, SessionOutcome, SessionParticipant, SessionTicket } from '../../common/session-lifecycle';
import { SessionLifecycle } from './session-lifecycle.service';

Logger.overrideLogger(false);

const ticket = (): SessionTicket => ({ id: 'conn-1', identity: { ip: '198.51.100.7', clientKey: '198.51.100.7' }, signIn: () => undefined });
const OUTCOME: SessionOutcome = { wasLive: true, reason: 'client', durationSec: 3 };

/** A participant that writes down every call it gets, and answers or throws as told. */
function recorder(name: string, log: string[], answer: { admit?: AdmissionDecision | Error; started?: Error; ended?: Error } = {}): SessionParticipant {
  return {
    name,
    unavailable: refuse('upstream_error', `${name} cannot be checked`, 5),
    async admit(phase: AdmissionPhase) {
      log.push(`${name}.admit(${phase})`);
      if (answer.admit instanceof Error) throw answer.admit;
      return answer.admit ?? ADMITTED;
    },
    started() {
      log.push(`${name}.started`);
      if (answer.started) throw answer.started;
    },
    async ended() {
      log.push(`${name}.ended`);
      if (answer.ended) throw answer.ended;
    },
  };
}

describe('SessionLifecycle', () => {
  it('pins the admission order: auth, connect limit, OpenAI key, cost, metrics', async () => {
    expect(SESSION_PARTICIPANT_ORDER).toEqual([AUTH_PARTICIPANT, CONNECT_LIMIT_PARTICIPANT, OPENAI_KEY_PARTICIPANT, COST_PARTICIPANT, SESSION_METRICS_PARTICIPANT]);
    // The multi-provider hands the lifecycle every module's participant in exactly that order.
    const log: string[] = [];
    const names = ['auth', 'connect-limit', 'openai-key', 'cost', 'metrics'];
    const moduleRef = await Test.createTestingModule({
      providers: [
        // Registered in a scrambled order: only SESSION_PARTICIPANT_ORDER decides.
        ...[3, 0, 4, 2, 1].map((i) => ({ provide: SESSION_PARTICIPANT_ORDER[i], useValue: recorder(names[i], log) })),
        sessionParticipantsProvider,
        SessionLifecycle,
      ],
    }).compile();
    const lifecycle = moduleRef.get(SessionLifecycle);
    expect(lifecycle.order).toEqual(names);
    expect(moduleRef.get<SessionParticipant[]>(SESSION_PARTICIPANTS).map((p) => p.name)).toEqual(names);
    await lifecycle.admit('connect', ticket());
    expect(log).toEqual(names.map((name) => `${name}.admit(connect)`));
  });

  it('asks participants in order and stops at the first refusal', async () => {
    const log: string[] = [];
    const limited = refuse('rate_limited', 'Too many.', 30);
    const lifecycle = new SessionLifecycle([recorder('auth', log), recorder('limit', log, { admit: limited }), recorder('cost', log)]);
    await expect(lifecycle.admit('connect', ticket())).resolves.toEqual(limited);
    expect(log).toEqual(['auth.admit(connect)', 'limit.admit(connect)']);
  });

  it('fails closed when a participant throws: its own unavailable refusal, later participants not asked', async () => {
    const log: string[] = [];
    const lifecycle = new SessionLifecycle([recorder('auth', log), recorder('cost', log, { admit: new Error('ledger down') }), recorder('metrics', log)]);
    await expect(lifecycle.admit('start', ticket())).resolves.toEqual({ admitted: false, code: 'upstream_error', message: 'cost cannot be checked', retryAfterSec: 5 });
    expect(log).toEqual(['auth.admit(start)', 'cost.admit(start)']);
  });

  it('admits when every participant admits', async () => {
    const lifecycle = new SessionLifecycle([recorder('a', []), recorder('b', [])]);
    await expect(lifecycle.admit('start', ticket())).resolves.toEqual({ admitted: true });
  });

  it('tells every participant the call started; one that throws makes it fail closed, the others still hear it', () => {
    const log: string[] = [];
    const ok = new SessionLifecycle([recorder('a', log), recorder('b', log)]);
    expect(ok.started(ticket())).toBe(true);
    const failing = new SessionLifecycle([recorder('a', log), recorder('b', log, { started: new Error('no clock') }), recorder('c', log)]);
    expect(failing.started(ticket())).toBe(false);
    expect(log).toEqual(['a.started', 'b.started', 'a.started', 'b.started', 'c.started']);
  });

  it('calls ended once per session, in reverse order, even when reported twice or a participant throws', async () => {
    const log: string[] = [];
    const lifecycle = new SessionLifecycle([recorder('auth', log), recorder('cost', log, { ended: new Error('release failed') }), recorder('metrics', log)]);
    const session = ticket();
    await Promise.all([lifecycle.ended(session, OUTCOME), lifecycle.ended(session, OUTCOME)]);
    await lifecycle.ended(session, OUTCOME);
    expect(log).toEqual(['metrics.ended', 'cost.ended', 'auth.ended']);
    // Another session is its own.
    await lifecycle.ended(ticket(), OUTCOME);
    expect(log).toHaveLength(6);
  });

  it('passes the outcome to every participant', async () => {
    const seen: SessionOutcome[] = [];
    const participant: SessionParticipant = { ...recorder('p', []), ended: (_t, outcome) => void seen.push(outcome) };
    await new SessionLifecycle([participant]).ended(ticket(), OUTCOME);
    expect(seen).toEqual([OUTCOME]);
  });
});
