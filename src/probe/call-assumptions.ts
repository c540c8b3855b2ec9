// What the probe's call checks, one id per assumption the server makes about the Realtime API
// (docs/probe.md has a row for each, with what a failure means for a deployment).

/** Event types whose delivery the report always lists, seen or not. */
export const WATCHED_EVENTS = [
  'session.created',
  'session.updated',
  'response.created',
  'response.done',
  'output_audio_buffer.started',
  'output_audio_buffer.stopped',
  'output_audio_buffer.cleared',
  'input_audio_buffer.speech_started',
  'input_audio_buffer.committed',
  'conversation.item.input_audio_transcription.completed',
  'error',
];

export const TRANSCRIBED = 'conversation.item.input_audio_transcription.completed';

/** Ids of the findings, in report order (docs/probe.md explains each). */
export const CALL_FINDINGS = [
  'call.create',
  'call.media',
  'sideband.attach',
  'sideband.session_created',
  'session.config_echo',
  'voice.before_audio',
  'response.server_on_sideband',
  'response.browser_on_sideband',
  'response.on_datachannel',
  'usage.priceable',
  'audio_buffer.on_sideband',
  'voice.after_audio',
  'transcription.on_sideband',
  'error.browser_on_sideband',
  'sideband.stays_attached',
  'hangup.first',
  'hangup.second',
] as const;
export type FindingId = (typeof CALL_FINDINGS)[number];

export const ASSUMPTIONS: Record<FindingId, string> = {
  'call.create': 'POST /realtime/calls accepts a browser offer with DUCK-E\'s session config',
  'call.media': 'the browser side connects (ICE, DTLS, the oai-events data channel)',
  'sideband.attach': 'the sideband attaches by call id with the standard key',
  'sideband.session_created': 'the sideband receives session.created (the config baseline)',
  'session.config_echo': 'session.created shows the config DUCK-E pinned',
  'voice.before_audio': 'a voice change before the first audio is confirmed on the sideband',
  'response.server_on_sideband': 'response.done of a server-started response reaches the sideband with usage',
  'response.browser_on_sideband': 'response.done of a browser-started response reaches the sideband with usage',
  'response.on_datachannel': "every response.done reaches the browser's data channel (the page's tripwire counts them)",
  'usage.priceable': 'usage has the token breakdown and the model is in the price book',
  'audio_buffer.on_sideband': 'output_audio_buffer.* events reach the sideband',
  'voice.after_audio': 'a voice change after the first audio is refused on the sideband',
  'transcription.on_sideband': 'input transcription (with usage) reaches the sideband',
  'error.browser_on_sideband': 'an error caused by a browser event reaches the sideband',
  'sideband.stays_attached': 'the sideband stays attached until the hang-up',
  'hangup.first': 'hanging up a live call answers 2xx',
  'hangup.second': 'hanging up an ended call answers 4xx other than 401/403/429',
};
