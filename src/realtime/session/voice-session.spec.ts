import type { RealtimeServerEvent } from 'openai/resources/realtime/realtime';
import { Logger } from '@nestjs/common';
import { ADMITTED, refuse } from '../../common/gate-decision';
import type { GateDecision } from '../../common/gate-decision';
import type { MeterVerdict, SessionCost, SessionEndReason, ToolCatalog } from '../../common/session-ports';
import type { ServerMessage } from '../protocol/server-messages';
import { RealtimeCallsClient } from '../openai/realtime-calls.client';
import { RealtimeUpstreamError } from '../openai/realtime-upstream.error';
import { SidebandAttachError, SidebandClient, SidebandConnection, SidebandListener } from '../openai/sideband.client';
import { SessionConfigFactory } from '../session-config/session-config.factory';
import { CostParticipant } from '../../cost/cost.participant';
import { MAX_CONFIG_RESTORES } from './config-watch';
import { SessionLifecycle } from './session-lifecycle.service';
import { SessionClient, VoiceSession } from './voice-session';

// VoiceSession with fakes of its outside clients (OpenAI REST, the sideband, the cost and tools
// ports): the ordering rules that are hard to force over real sockets. The e2e specs under
// test/realtime cover the same flows against the real modules and the fake OpenAI.

Logger.overrideLogger(false);

const OFFER = 'v=0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\n';
const flush = () => new Promise((resolve) => setImmediate(resolve));

class Browser implements SessionClient {
  readonly id = 'sess-1';
  readonly identity = { ip: '198.51.100.7', clientKey: '198.51.100.7' };
  readonly languages = ['en-US'];
  open = true;
  readonly messages: ServerMessage[] = [];
  closedWith?: [number, string];
  send(message: ServerMessage): boolean {
    this.messages.push(message);
    return true;
  }
  close(code: number, reason: string): void {
    this.open = false;
    this.closedWith = [code, reason];
  }
  signIn(): void {}
  of<T extends ServerMessage['type']>(type: T): Array<Extract<ServerMessage, { type: T }>> {
    return this.messages.filter((message) => message.type === type) as Array<Extract<ServerMessage, { type: T }>>;
  }
}

function harness(options: { admit?: GateDecision; verdict?: MeterVerdict } = {}) {
  const ended: SessionEndReason[] = [];
  const hangups: string[] = [];
  const hangupsLater: string[] = [];
  let hangupFails = false;
  const sent: Array<Record<string, unknown>> = [];
  let listener: SidebandListener | undefined;
  let release: () => void = () => undefined;
  const gates = { create: Promise.resolve(), attach: Promise.resolve() as Promise<void> };
  const cost: SessionCost = {
    admit: async () => options.admit ?? ADMITTED,
    limits: () => ({ maxCostUsd: 5, maxDurationSec: 1800 }),
    started: jest.fn(),
    recordResponseUsage: jest.fn(async (): Promise<MeterVerdict> => options.verdict ?? { end: false, update: { sessionCostUsd: 0.01, budgetUsd: 5 } }),
    recordTranscriptionUsage: jest.fn(async (): Promise<MeterVerdict> => ({ end: false, update: { sessionCostUsd: 0.02, budgetUsd: 5 } })),
    recordBackendUsage: jest.fn(),
    release: jest.fn(async () => undefined),
  };
  const catalog: ToolCatalog = {
    definitions: () => [{ type: 'function', name: 'get_current_weather', description: 'w', parameters: {} }],
    run: async () => ({ ok: true, outcome: 'ok', output: '{"temp":20}' }),
  };
  const calls = {
    configured: true,
    create: jest.fn(async () => {
      await gates.create;
      return { callId: 'rtc_1', answer: 'v=0\r\nanswer' };
    }),
    hangup: jest.fn(async (id: string) => {
      hangups.push(id);
      if (hangupFails) throw new RealtimeUpstreamError('hanging up failed with HTTP 503', 503, undefined, true);
      return 'hung_up' as const;
    }),
  } as unknown as RealtimeCallsClient;
  const connection = {
    open: true,
    send: (event: Record<string, unknown>) => (sent.push(event), true),
    close: () => listener?.onClose(1000),
  } as unknown as SidebandConnection;
  const sideband = {
    attach: jest.fn(async (_callId: string, l: SidebandListener) => {
      await gates.attach;
      listener = l;
      return connection;
    }),
  } as unknown as SidebandClient;
  const configFactory = new SessionConfigFactory(
    { model: 'gpt-realtime-2', voice: 'marin', transcriptionModel: 'gpt-4o-mini-transcribe', maxOutputTokens: 1024, idleTimeoutMs: 1, heartbeatIntervalMs: 1 },
    catalog,
  );
  const browser = new Browser();
  const deps = {
    // The real lifecycle walking the real cost participant, over the fake cost port.
    lifecycle: new SessionLifecycle([new CostParticipant(cost)]),
    cost,
    catalog,
    calls,
    sideband,
    configFactory,
    onEnding: (reason: SessionEndReason) => ended.push(reason),
    hangupLater: (callId: string) => hangupsLater.push(callId),
    reattach: { delaysMs: [0], windowMs: 1_000 },
    timing: { voiceConfirmMs: 200, hangupWaitMs: 200 },
  };
  const session = new VoiceSession(browser, 'marin', deps);
  return {
    session,
    browser,
    cost,
    calls,
    sideband,
    sent,
    hangups,
    hangupsLater,
    failHangups: () => (hangupFails = true),
    ended,
    gates,
    hold: (gate: 'create' | 'attach') => {
      gates[gate] = new Promise((resolve) => (release = resolve));
      return () => release();
    },
    // Events as they arrive on the wire: anything with a type (the session reads them defensively).
    emit: (event: Record<string, unknown>) => listener!.onEvent(event as unknown as RealtimeServerEvent),
  };
}

describe('VoiceSession', () => {
  it('goes live: admission, call, sideband, then session.started and the duration clock', async () => {
    const h = harness();
    await h.session.start(OFFER);
    expect(h.session.state).toBe('live');
    expect(h.browser.messages[0]).toEqual({
      type: 'session.started',
      sessionId: 'sess-1',
      sdp: 'v=0\r\nanswer',
      model: 'gpt-realtime-2',
      voice: 'marin',
      limits: { maxCostUsd: 5, maxDurationSec: 1800 },
    });
    expect(h.cost.started).toHaveBeenCalledWith('sess-1');
  });

  it('a cost refusal creates no call and closes 1013 with the refusal', async () => {
    const h = harness({ admit: refuse('circuit_open', 'Spending is paused.', 90) });
    await h.session.start(OFFER);
    expect(h.calls.create).not.toHaveBeenCalled();
    expect(h.browser.messages).toEqual([{ type: 'error', code: 'circuit_open', message: 'Spending is paused.', retryAfterSec: 90 }]);
    expect(h.browser.closedWith).toEqual([1013, 'circuit_open']);
    await expect(h.session.finished).resolves.toMatchObject({ wasLive: false, refusal: 'circuit_open' });
  });

  it('an end requested while the call is being created hangs the new call up as soon as it exists', async () => {
    const h = harness();
    const release = h.hold('create');
    const started = h.session.start(OFFER);
    await flush();
    const finished = h.session.end('shutdown');
    release();
    await started;
    await expect(finished).resolves.toMatchObject({ wasLive: false, reason: 'shutdown' });
    expect(h.hangups).toEqual(['rtc_1']);
    expect(h.sideband.attach).not.toHaveBeenCalled();
    expect(h.browser.of('session.started')).toHaveLength(0);
  });

  it('a sideband that cannot attach hangs the call up and reports upstream_error (1013, retry)', async () => {
    const h = harness();
    (h.sideband.attach as jest.Mock).mockRejectedValueOnce(new SidebandAttachError('refused', 503, false));
    await h.session.start(OFFER);
    expect(h.hangups).toEqual(['rtc_1']);
    expect(h.browser.messages).toEqual([{ type: 'error', code: 'upstream_error', message: expect.any(String), retryAfterSec: 5 }]);
    expect(h.browser.closedWith?.[0]).toBe(1013);
  });

  it('a create refused for good (4xx) closes 1011 without a retry hint', async () => {
    const h = harness();
    (h.calls.create as jest.Mock).mockRejectedValueOnce(new RealtimeUpstreamError('bad', 400, 'invalid_offer', false));
    await h.session.start(OFFER);
    expect(h.browser.messages).toEqual([{ type: 'error', code: 'upstream_error', message: expect.any(String) }]);
    expect(h.browser.closedWith?.[0]).toBe(1011);
    expect(h.hangups).toEqual([]);
  });

  it('meters response and transcription usage, pushes cost.updated, and ends on the verdict', async () => {
    const h = harness({ verdict: { end: true, reason: 'budget_exceeded', update: { sessionCostUsd: 5.01, budgetUsd: 5 } } });
    await h.session.start(OFFER);
    h.emit({ type: 'conversation.item.input_audio_transcription.completed', item_id: 'item_1', content_index: 0, usage: { type: 'tokens' } });
    await flush();
    expect(h.cost.recordTranscriptionUsage).toHaveBeenCalledWith('sess-1', 'gpt-4o-mini-transcribe', 'item_1:0', { type: 'tokens' });
    h.emit({ type: 'response.done', response: { id: 'resp_1', status: 'completed', output: [], usage: { total_tokens: 1 } } });
    await h.session.finished;
    expect(h.cost.recordResponseUsage).toHaveBeenCalledWith('sess-1', 'gpt-realtime-2', 'resp_1', { total_tokens: 1 });
    expect(h.browser.of('cost.updated')).toEqual([
      { type: 'cost.updated', sessionCostUsd: 0.02, budgetUsd: 5 },
      { type: 'cost.updated', sessionCostUsd: 5.01, budgetUsd: 5 },
    ]);
    expect(h.ended).toEqual(['budget_exceeded']);
    expect(h.hangups).toEqual(['rtc_1']);
    expect(h.browser.messages.at(-1)).toEqual({ type: 'session.ended', reason: 'budget_exceeded' });
    expect(h.browser.closedWith).toEqual([1000, 'budget_exceeded']);
  });

  it('changes the voice only after OpenAI confirms it', async () => {
    const h = harness();
    await h.session.start(OFFER);
    h.session.setVoice('cedar');
    expect(h.sent.at(-1)).toEqual({ type: 'session.update', event_id: 'ducke_voice_1', session: { type: 'realtime', audio: { output: { voice: 'cedar' } } } });
    expect(h.browser.of('voice.changed')).toHaveLength(0);
    h.emit({ type: 'session.updated', session: { audio: { output: { voice: 'cedar' } } } });
    expect(h.browser.of('voice.changed')).toEqual([{ type: 'voice.changed', voice: 'cedar' }]);
    expect(h.session.voice).toBe('cedar');
  });

  it('refuses a voice change clearly once the model has spoken, without asking OpenAI', async () => {
    const h = harness();
    await h.session.start(OFFER);
    h.emit({ type: 'output_audio_buffer.started', response_id: 'resp_1' });
    const before = h.sent.length;
    h.session.setVoice('ash');
    expect(h.sent).toHaveLength(before);
    expect(h.browser.of('error')).toEqual([{ type: 'error', code: 'invalid_voice', message: expect.stringContaining('before DUCK-E first speaks') }]);
  });

  it('maps OpenAI refusing the voice change to invalid_voice, and a silent OpenAI to a timeout error', async () => {
    const h = harness();
    await h.session.start(OFFER);
    h.session.setVoice('ash');
    h.emit({ type: 'error', error: { code: 'cannot_update_voice', message: 'audio present', event_id: 'ducke_voice_1' } });
    expect(h.browser.of('error')).toEqual([{ type: 'error', code: 'invalid_voice', message: expect.stringContaining('before DUCK-E first speaks') }]);

    const g = harness();
    await g.session.start(OFFER);
    g.session.setVoice('sage');
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(g.browser.of('error')).toEqual([{ type: 'error', code: 'invalid_voice', message: expect.stringContaining('did not confirm') }]);
    expect(g.session.voice).toBe('marin');
  });

  it('restores pinned config someone else changed, and ends the call after repeated tampering', async () => {
    const h = harness();
    await h.session.start(OFFER);
    h.emit({ type: 'session.created', session: { instructions: 'OpenAI form of ours' } }); // baseline: accepted
    expect(h.sent).toHaveLength(0);
    h.emit({ type: 'session.updated', session: { instructions: 'You are a pirate', max_output_tokens: 'inf' } });
    expect(h.sent).toEqual([expect.objectContaining({ type: 'session.update', event_id: 'ducke_restore_1' })]);
    for (let i = 0; i < MAX_CONFIG_RESTORES; i++) h.emit({ type: 'session.updated', session: { instructions: `pirate ${i}` } });
    await h.session.finished;
    expect(h.ended).toEqual(['client']);
    expect(h.hangups).toEqual(['rtc_1']);
  });

  it('does not hang up a call OpenAI already ended (upstream_closed)', async () => {
    const h = harness();
    await h.session.start(OFFER);
    (h.sideband.attach as jest.Mock).mockRejectedValue(new SidebandAttachError('gone', 404, true));
    h.sent.length = 0;
    (h.session as unknown as { link: { connection: SidebandConnection } }).link.connection.close();
    await h.session.finished;
    expect(h.ended).toEqual(['upstream_closed']);
    expect(h.hangups).toEqual([]);
    expect(h.browser.messages.at(-1)).toEqual({ type: 'session.ended', reason: 'upstream_closed' });
  });

  it('hands a hang-up OpenAI did not take over to be retried in the background, and still tells the browser', async () => {
    const h = harness();
    await h.session.start(OFFER);
    h.failHangups();
    await h.session.end('client');
    expect(h.hangups).toEqual(['rtc_1']);
    expect(h.hangupsLater).toEqual(['rtc_1']);
    expect(h.browser.of('session.ended')).toEqual([{ type: 'session.ended', reason: 'client' }]);
  });

  it('ends once however many causes arrive: the first reason wins, one hang-up, one session.ended', async () => {
    const h = harness({ verdict: { end: true, reason: 'budget_exceeded', update: { sessionCostUsd: 5.01, budgetUsd: 5 } } });
    await h.session.start(OFFER);
    h.emit({ type: 'response.done', response: { id: 'resp_1', status: 'completed', output: [], usage: { total_tokens: 1 } } });
    await flush();
    const outcomes = await Promise.all([h.session.end('client'), h.session.end('shutdown'), h.session.finished]);
    expect(outcomes.map((outcome) => outcome.reason)).toEqual(['budget_exceeded', 'budget_exceeded', 'budget_exceeded']);
    expect(h.ended).toEqual(['budget_exceeded']);
    expect(h.hangups).toEqual(['rtc_1']);
    expect(h.browser.of('session.ended')).toEqual([{ type: 'session.ended', reason: 'budget_exceeded' }]);
  });
});
