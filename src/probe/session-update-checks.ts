import type { CallContext } from './call-context';
import { type Connection, errorOf, voiceOf } from './event-log';
import type { HeadlessPeer } from './headless-peer';
import type { Verdict } from './probe-report';

// How session.update is answered, and on which connection: the voice changes the server makes
// over the sideband (VoiceSession.setVoice), and a refused update the browser sends.

/** session.update of the voice over the sideband, as VoiceSession.setVoice sends it. */
export async function checkVoiceChange(call: CallContext, id: 'voice.before_audio' | 'voice.after_audio', voice: string, eventId: string): Promise<void> {
  const { log, findings, timing } = call;
  const since = log.entries.length;
  call.sideband.send({ type: 'session.update', event_id: eventId, session: { type: 'realtime', audio: { output: { voice } } } });
  const answer = await log.waitFor(
    log.after(
      since,
      (logged) =>
        logged.via === 'sideband' &&
        ((logged.event.type === 'session.updated' && voiceOf(logged.event) === voice) || (logged.event.type === 'error' && errorOf(logged.event).event_id === eventId) || (logged.event.type === 'error' && errorOf(logged.event).code === 'cannot_update_voice')),
    ),
    timing.voiceMs,
  );
  const observed = !answer ? `no answer within ${timing.voiceMs / 1000} s` : answer.event.type === 'error' ? `error ${errorOf(answer.event).code ?? '(no code)'}` : `session.updated (${voice})`;
  if (id === 'voice.before_audio') {
    findings.record(id, `session.updated with voice ${voice}`, observed, answer?.event.type === 'session.updated' ? 'pass' : 'fail');
    return;
  }
  const verdict: Verdict = !answer ? 'fail' : answer.event.type === 'error' ? 'pass' : 'info';
  findings.record(id, 'error cannot_update_voice', answer?.event.type === 'session.updated' ? `${observed}: accepted (DUCK-E refuses it itself)` : observed, verdict);
}

/** A client event OpenAI refuses, sent by the browser: does the sideband hear about it? */
export async function checkBrowserError(call: CallContext, peer: HeadlessPeer): Promise<void> {
  const { log, timing } = call;
  peer.send({ type: 'session.update', event_id: 'probe_bad_update', session: {} });
  const seen = (via: Connection) => log.waitFor((logged) => logged.via === via && logged.event.type === 'error' && errorOf(logged.event).event_id === 'probe_bad_update', timing.mirrorMs);
  const [channel, sideband] = await Promise.all([seen('datachannel'), seen('sideband')]);
  call.findings.record('error.browser_on_sideband', 'recorded only (the server does not rely on it)', `data channel ${channel ? 'yes' : 'no'}, sideband ${sideband ? 'yes' : 'no'}`, 'info');
}
