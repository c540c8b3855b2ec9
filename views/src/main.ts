// The DUCK-E page: finds its elements, builds one object per concern and connects them.
// Bundled into /static/app.js at build time (the CSP forbids inline scripts).

import { MicGate } from './controls/mic-gate';
import { TalkControls } from './controls/talk-controls';
import { VoicePicker } from './controls/voice-picker';
import { CallUi, Conversation } from './conversation/conversation';
import { byId } from './dom';
import { formatClock } from './format';
import { SessionMeter } from './meter/session-meter';
import { explainError } from './notices/explanations';
import { safeLoginUrl } from './notices/login-link';
import { NoticeView } from './notices/notice-view';
import { Preferences } from './preferences';
import { SessionSocket } from './protocol/session-socket';
import { Announcer } from './status/announcer';
import { CallState, CallStatusView } from './status/call-status-view';
import { showServiceStatus } from './status/service-status';
import { applyRealtimeEvent } from './transcript/realtime-transcript';
import { TranscriptModel } from './transcript/transcript-model';
import { TranscriptView } from './transcript/transcript-view';
import { voiceLabel } from './voices';

function start(): void {
  const preferences = Preferences.fromWindow();
  const announcer = new Announcer(byId('announce-polite'), byId('announce-alert'));
  const status = new CallStatusView(byId('call'), byId('call-state'), byId('call-detail'), announcer);
  const notice = new NoticeView(
    {
      box: byId('notice'),
      title: byId('notice-title'),
      text: byId('notice-text'),
      retry: byId<HTMLButtonElement>('notice-retry'),
      login: byId<HTMLAnchorElement>('notice-login'),
      play: byId<HTMLButtonElement>('notice-play'),
      dismiss: byId<HTMLButtonElement>('notice-dismiss'),
    },
    announcer,
  );
  const meter = new SessionMeter(
    {
      costValue: byId('cost-value'),
      budgetValue: byId('budget-value'),
      costBar: byId<HTMLProgressElement>('cost-bar'),
      costItem: byId('cost-item'),
      timeValue: byId('time-value'),
      timeLimit: byId('time-limit'),
      timeBar: byId<HTMLProgressElement>('time-bar'),
      timeItem: byId('time-item'),
      warning: byId('meter-warning'),
    },
    announcer,
  );
  const transcript = new TranscriptModel();
  new TranscriptView(transcript, byId<HTMLOListElement>('transcript-list'), byId('transcript-empty'), byId<HTMLButtonElement>('clear-button'));
  const gate = new MicGate();
  const controls = new TalkControls(
    { mute: byId<HTMLButtonElement>('mute-button'), pushToTalk: byId<HTMLInputElement>('ptt-switch'), talk: byId<HTMLButtonElement>('talk-button'), card: byId('call') },
    gate,
    preferences,
  );
  const voices = new VoicePicker(byId<HTMLSelectElement>('voice-select'), preferences);
  const audio = byId<HTMLAudioElement>('remote-audio');
  const connectButton = byId<HTMLButtonElement>('connect-button');
  const connectLabel = byId('connect-label');
  let retryWaitSec = 0;

  /** The second line while a call is live says what the microphone is doing. */
  const liveDetail = (state: CallState): string | undefined => {
    if (state !== 'listening') return undefined;
    if (gate.muted) return 'Your microphone is muted. Unmute it to talk.';
    if (gate.pushToTalk) return gate.talking ? 'DUCK-E hears you. Let go when you are done.' : 'Hold the Talk button or the Space bar while you speak.';
    return undefined;
  };

  const renderConnectButton = (): void => {
    const state = status.state;
    const mode = state === 'listening' || state === 'speaking' ? 'disconnect' : state === 'connecting' ? 'cancel' : 'connect';
    connectButton.dataset.mode = mode;
    const waiting = mode === 'connect' && retryWaitSec > 0;
    // aria-disabled keeps the button focusable while it waits out a refusal.
    connectButton.setAttribute('aria-disabled', String(waiting));
    connectLabel.textContent =
      mode === 'disconnect' ? 'Disconnect' : mode === 'cancel' ? 'Cancel' : waiting ? `Try again in ${formatClock(retryWaitSec)}` : state === 'ended' ? 'Connect again' : 'Connect';
  };

  const ui: CallUi = {
    state: (state, detail) => {
      status.show(state, detail ?? liveDetail(state));
      renderConnectButton();
    },
    microphone: (track) => {
      gate.attach(track);
      controls.render();
    },
    started: ({ voice, limits }) => {
      voices.confirm(voice);
      meter.start(limits);
      // A voice picked while connecting is asked for as soon as the call exists.
      const picked = voices.chosen;
      if (picked && picked !== voice) conversation.setVoice(picked);
    },
    message: (message) => {
      switch (message.type) {
        case 'cost.updated':
          meter.update(message);
          break;
        case 'tool.called':
          transcript.noteTool(message.callId, { name: message.name, status: 'running' });
          break;
        case 'tool.result':
          transcript.noteTool(message.callId, { name: message.name, status: message.ok ? 'done' : 'failed' });
          break;
        case 'voice.changed':
          voices.confirm(message.voice);
          announcer.polite(`DUCK-E now speaks with the ${voiceLabel(message.voice)} voice.`);
          break;
        case 'error':
          if (message.code === 'invalid_voice') voices.revert();
          break;
        default:
          break;
      }
    },
    realtimeEvent: (event) => applyRealtimeEvent(transcript, event),
    problem: (explanation, options = {}) => notice.show(explanation, { loginUrl: safeLoginUrl(options.loginUrl, location.href) }),
    clearProblem: () => notice.reset(),
    autoplayBlocked: () => notice.showPlayButton(),
    finished: (reason) => meter.stop({ timeUp: reason === 'duration_exceeded' }),
  };

  const conversation = new Conversation(ui, audio, SessionSocket.urlFor(location));

  const connect = (): void => {
    if (retryWaitSec > 0) return;
    conversation.start(voices.chosen);
  };
  connectButton.addEventListener('click', () => {
    if (conversation.busy) conversation.stop();
    else connect();
  });
  notice.onRetry = () => {
    connect();
    connectButton.focus();
  };
  notice.onCountdown = (secondsLeft) => {
    retryWaitSec = secondsLeft;
    renderConnectButton();
  };
  notice.onPlay = () => void audio.play().catch(() => undefined);
  // The notice's buttons disappear with it: keep the keyboard focus on the call.
  notice.onClosed = () => connectButton.focus();
  voices.onPick = (voice) => {
    if (conversation.busy) conversation.setVoice(voice);
  };
  gate.onChange = () => {
    controls.render();
    if (status.state === 'listening') status.show('listening', liveDetail('listening'));
  };
  // Leaving the page hangs up at once rather than leaving a call running until it times out.
  window.addEventListener('pagehide', () => conversation.leave());

  renderConnectButton();
  // A server that cannot hold any conversation says why before anyone presses Connect.
  void showServiceStatus(byId('service-status')).then((state) => {
    if (state === 'not_configured' && !conversation.busy && byId('notice').hidden) notice.show(explainError('not_configured'));
  });
}

document.addEventListener('DOMContentLoaded', start);
