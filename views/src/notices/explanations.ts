import { formatBudget, formatDuration } from '../format';
import type { MicrophoneProblem } from '../rtc/microphone';

// Every way a conversation can end or fail, in plain words, with what the person can do next.
// `{countdown}` in a text is replaced by a live m:ss countdown (from retryAfterSec).

export type Tone = 'info' | 'warning' | 'error';
/** The button the notice offers: connect again, go and sign in, or nothing. */
export type NoticeAction = 'retry' | 'login' | 'none';

export interface Explanation {
  tone: Tone;
  title: string;
  text: string;
  action: NoticeAction;
  /** Seconds until trying again makes sense (Connect waits for it). */
  retryAfterSec?: number;
}

export interface EndContext {
  maxCostUsd?: number;
  maxDurationSec?: number;
}

/** Why the server ended the conversation (`session.ended.reason`, docs/protocol.md). */
export function explainEnd(reason: string, context: EndContext = {}): Explanation {
  const budget = context.maxCostUsd !== undefined ? ` of ${formatBudget(context.maxCostUsd)}` : '';
  const limit = context.maxDurationSec !== undefined ? ` of ${formatDuration(context.maxDurationSec)}` : '';
  switch (reason) {
    case 'client':
      return { tone: 'info', title: 'Conversation ended', text: 'Thanks for talking to DUCK-E. Press Connect to start a new conversation.', action: 'none' };
    case 'budget_exceeded':
      return {
        tone: 'warning',
        title: 'This conversation used up its budget',
        text: `It reached its spending limit${budget}, so DUCK-E hung up. You can start a new conversation.`,
        action: 'retry',
      };
    case 'duration_exceeded':
      return {
        tone: 'warning',
        title: 'This conversation ran out of time',
        text: `It reached its time limit${limit}, so DUCK-E hung up. You can start a new conversation.`,
        action: 'retry',
      };
    case 'circuit_breaker':
      return {
        tone: 'warning',
        title: 'DUCK-E is resting to protect its budget',
        text: 'Conversations cost more than planned in the last hour, so DUCK-E paused every conversation. Please come back a bit later.',
        action: 'none',
      };
    case 'upstream_closed':
      return { tone: 'info', title: 'The voice service ended the conversation', text: 'OpenAI closed the call. You can connect again.', action: 'retry' };
    case 'upstream_error':
      return { tone: 'error', title: 'The voice service had a problem', text: 'The conversation ended because OpenAI stopped answering. Connecting again usually works.', action: 'retry' };
    case 'shutdown':
      return { tone: 'info', title: 'DUCK-E is restarting', text: 'The server is restarting for maintenance. Connect again in a few seconds.', action: 'retry' };
    case 'revoked':
      return { tone: 'error', title: 'Your access was withdrawn', text: 'An administrator ended this sign-in, so the conversation stopped.', action: 'login' };
    case 'token_expired':
      return { tone: 'warning', title: 'Your sign-in expired', text: 'Sign in again to keep talking to DUCK-E.', action: 'login' };
    case 'metering_lost':
      return {
        tone: 'error',
        title: 'DUCK-E lost track of what this conversation costs',
        text: 'The voice service stopped reporting its usage to the server, so DUCK-E hung up to protect the budget. You can connect again; if it keeps happening, tell whoever runs this DUCK-E.',
        action: 'retry',
      };
    default:
      return { tone: 'error', title: 'The conversation ended', text: 'DUCK-E hung up unexpectedly. You can connect again.', action: 'retry' };
  }
}

/** A refusal or problem the server reported (`error.code`, docs/protocol.md). */
/** `serverMessage` is the server's own words; used where they say more than ours (why a sign-in failed). */
export function explainError(code: string, retryAfterSec?: number, serverMessage?: string): Explanation {
  const wait = retryAfterSec !== undefined && retryAfterSec > 0 ? Math.ceil(retryAfterSec) : undefined;
  switch (code) {
    case 'rate_limited':
      return {
        tone: 'warning',
        title: 'Too many conversations at once',
        text: wait ? 'You started several conversations in a short time. Try again in {countdown}.' : 'You started several conversations in a short time. Please wait a little and try again.',
        action: 'retry',
        retryAfterSec: wait,
      };
    case 'hourly_cap':
      return {
        tone: 'warning',
        title: 'DUCK-E has reached its spending limit for this hour',
        text: wait ? 'It has been a busy hour. Try again in {countdown}.' : 'It has been a busy hour. Please try again later.',
        action: 'retry',
        retryAfterSec: wait,
      };
    case 'circuit_open':
      return {
        tone: 'warning',
        title: 'DUCK-E is resting to protect its budget',
        text: wait ? 'Conversations cost more than planned in the last hour. Try again in {countdown}.' : 'Conversations cost more than planned in the last hour. Please come back later.',
        action: 'retry',
        retryAfterSec: wait,
      };
    case 'not_configured':
      return {
        tone: 'error',
        title: 'DUCK-E is not set up yet',
        text: 'This server has no OpenAI key, so it cannot start conversations. If you run it, set OPENAI_API_KEY and restart it.',
        action: 'none',
      };
    case 'upstream_error':
      return { tone: 'error', title: 'The voice service did not answer', text: "DUCK-E couldn't reach OpenAI just now. Connecting again in a moment usually works.", action: 'retry' };
    case 'invalid_voice':
      return { tone: 'warning', title: 'That voice is not available', text: 'DUCK-E keeps the voice it had.', action: 'none' };
    case 'unauthorized':
      return {
        tone: 'error',
        title: 'Please sign in',
        // The server says why (no token, expired, revoked…); shown as text, never as markup.
        text: serverMessage?.trim() ? serverMessage.trim().slice(0, 300) : 'This DUCK-E needs you to sign in before you can talk to it.',
        action: 'login',
      };
    case 'already_started':
      return { tone: 'info', title: 'Already connected', text: 'This conversation is already running.', action: 'none' };
    case 'bad_message':
      return { tone: 'error', title: 'DUCK-E did not understand this page', text: 'The page sent something the server could not read. Reloading the page usually fixes it.', action: 'retry' };
    default:
      return { tone: 'error', title: 'Something went wrong', text: 'DUCK-E could not start the conversation. Please try again.', action: 'retry' };
  }
}

/** Why the microphone could not be used. */
export function explainMicrophone(problem: MicrophoneProblem): Explanation {
  switch (problem) {
    case 'denied':
      return {
        tone: 'error',
        title: 'DUCK-E needs your microphone',
        text: 'The browser blocked the microphone for this page. Allow it (the microphone or lock icon next to the address), then press Connect again.',
        action: 'retry',
      };
    case 'missing':
      return { tone: 'error', title: 'No microphone found', text: 'Plug in or turn on a microphone, then press Connect again.', action: 'retry' };
    case 'busy':
      return {
        tone: 'error',
        title: 'The microphone is busy',
        text: 'Another app or tab is using the microphone, or it stopped working. Close the other app, then press Connect again.',
        action: 'retry',
      };
    case 'insecure':
      return {
        tone: 'error',
        title: 'The microphone needs a secure page',
        text: 'Browsers only share the microphone with pages opened over https:// (or on localhost). Open DUCK-E through its https address.',
        action: 'none',
      };
    case 'timeout':
      return { tone: 'warning', title: 'The microphone question went unanswered', text: 'Press Connect again and allow the microphone when the browser asks.', action: 'retry' };
    case 'unsupported':
      return { tone: 'error', title: 'This browser cannot record audio', text: 'Try a current version of Chrome, Edge, Firefox or Safari.', action: 'none' };
  }
}

/** Problems on the page's side of the connection. */
export const CONNECTION_PROBLEMS = {
  unreachable: { tone: 'error', title: 'DUCK-E cannot be reached', text: 'The connection to the server could not be opened. Check your connection and try again.', action: 'retry' },
  socketLost: { tone: 'error', title: 'The connection to DUCK-E was lost', text: 'The conversation ended because the connection to the server dropped. You can connect again.', action: 'retry' },
  audioLost: { tone: 'error', title: 'The audio connection dropped', text: 'The conversation ended because the audio connection to the voice service was lost. You can connect again.', action: 'retry' },
  noAnswer: { tone: 'error', title: 'DUCK-E did not answer in time', text: 'Starting the conversation took too long, so the page gave up. Please try again.', action: 'retry' },
  audioSetup: {
    tone: 'error',
    title: 'The audio connection could not be set up',
    text: 'Your network may block the voice connection (a firewall or VPN). Try again, or try another network.',
    action: 'retry',
  },
} satisfies Record<string, Explanation>;
