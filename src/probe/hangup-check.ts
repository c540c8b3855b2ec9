import { setTimeout as sleep } from 'node:timers/promises';
import type { CallContext } from './call-context';
import type { HangupRecord } from './probe-report';

// The end of the call, as DUCK-E ends one: its kill switch hangs up, and its retry hangs up an
// ended call again, which must read as "already ended", not as a failure to retry.

/** POST …/hangup twice, as DUCK-E's kill switch and its retry would; statuses and bodies are kept. */
export async function hangUpTwice(call: CallContext, openai: { baseUrl: string; apiKey?: string }, callId: string): Promise<HangupRecord[]> {
  const { sideband, timing } = call;
  const hangups: HangupRecord[] = [];
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const response = await fetch(`${openai.baseUrl}/realtime/calls/${encodeURIComponent(callId)}/hangup`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${openai.apiKey ?? ''}` },
        signal: AbortSignal.timeout(10_000),
        redirect: 'error',
      });
      hangups.push({ status: response.status, body: (await response.text().catch(() => '')).slice(0, 500) });
    } catch (error) {
      hangups.push({ status: null, body: `no answer: ${(error as Error).message}` });
    }
    if (attempt === 0 && sideband.attached) {
      const deadline = Date.now() + timing.hangupCloseMs;
      while (!sideband.closed && Date.now() < deadline) await sleep(20);
    }
  }
  const [first, second] = hangups;
  const ok = first.status !== null && first.status >= 200 && first.status < 300;
  // The server takes a 2xx as the end of the call and closes its sideband itself; whether
  // OpenAI closes it too is shown, not judged.
  const closed = sideband.closed;
  const state = !sideband.attached ? 'no sideband' : closed ? `sideband closed (${closed.code})` : `sideband still open after ${timing.hangupCloseMs / 1000} s`;
  call.findings.record('hangup.first', '2xx', `${first.status ?? 'no answer'} ${first.body ? JSON.stringify(first.body) : '(empty body)'}; ${state}`, ok ? 'pass' : 'fail');
  const refusedAsEnded = second.status !== null && second.status >= 400 && second.status < 500 && ![401, 403, 429].includes(second.status);
  call.findings.record('hangup.second', '4xx, not 401/403/429 (treated as already ended)', `${second.status ?? 'no answer'} ${second.body ? JSON.stringify(second.body) : '(empty body)'}`, refusedAsEnded ? 'pass' : 'fail');
  return hangups;
}
