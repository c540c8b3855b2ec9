import { setTimeout as sleep } from 'node:timers/promises';
import type { TranscriptionUsage } from '../common/session-ports';
import type { UsageMeter } from '../cost/usage-meter';
import { TRANSCRIBED } from './call-assumptions';
import type { CallContext } from './call-context';
import { isEvent, responseIdOf } from './event-log';
import type { HeadlessPeer } from './headless-peer';

// The peer plays the model's voice back as its "speech": the server meters input transcription
// from the sideband, so its completed events must arrive there, each with usage.

/** Records transcription.on_sideband; the transcription metered on the sideband, in USD. */
export async function checkTranscription(call: CallContext, peer: HeadlessPeer, pricing: { meter: UsageMeter; transcriptionModel: string }): Promise<number> {
  const { log, findings, timing } = call;
  const expected = `${TRANSCRIBED} with usage on the sideband`;
  // The probe's "speech" must not start a response of its own.
  call.sideband.send({ type: 'session.update', event_id: 'probe_no_auto_response', session: { type: 'realtime', audio: { input: { turn_detection: { type: 'server_vad', create_response: false, interrupt_response: false } } } } });
  await sleep(300);
  const frames = peer.capturedFrames;
  // Should voice activity start a response anyway, it is cancelled at once (it would cost).
  const since = log.entries.length;
  void log
    .waitFor(log.after(since, (logged) => logged.via === 'sideband' && logged.event.type === 'response.created'), timing.transcriptionMs + 15_000)
    .then((created) => created && call.sideband.send({ type: 'response.cancel', response_id: responseIdOf(created.event) }));
  await peer.replay();
  const first = await log.waitFor(isEvent(TRANSCRIBED), timing.transcriptionMs);
  if (!first) {
    findings.record('transcription.on_sideband', expected, `no transcription in this run (${frames} frames of the model's voice played back)`, 'unchecked');
    return 0;
  }
  await log.waitFor(isEvent(TRANSCRIBED, first.via === 'sideband' ? 'datachannel' : 'sideband'), timing.mirrorMs);
  const onSideband = log.find(isEvent(TRANSCRIBED, 'sideband'));
  const onChannel = log.count(TRANSCRIBED, 'datachannel');
  const withUsage = onSideband.filter((logged) => logged.event.usage && typeof logged.event.usage === 'object').length;
  let usd = 0;
  for (const logged of onSideband) usd += pricing.meter.priceTranscription(pricing.transcriptionModel, logged.event.usage as TranscriptionUsage).micro / 1_000_000;
  const observed = `data channel ${onChannel}, sideband ${onSideband.length} (${withUsage} with usage)`;
  findings.record('transcription.on_sideband', expected, observed, onSideband.length >= onChannel && withUsage === onSideband.length && onSideband.length > 0 ? 'pass' : 'fail');
  return usd;
}
