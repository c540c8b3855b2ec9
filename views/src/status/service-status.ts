import { withTimeout } from '../timeout';

// The small pill in the header: is the service up, and can it hold a conversation at all?
// (GET /status, same origin.) A server without an OpenAI key says so before anyone connects.

interface StatusResponse {
  status?: string;
  conversations?: { accepting?: boolean; reason?: string };
}

/** What the pill found: `not_configured` means Connect cannot work until the operator acts. */
export type ServiceState = 'ok' | 'degraded' | 'not_configured' | 'down';

const LABELS: Record<ServiceState, string> = {
  ok: 'Online',
  degraded: 'Online, reduced service',
  not_configured: 'Not configured',
  down: 'Cannot reach the service',
};

function show(pill: HTMLElement, state: ServiceState): ServiceState {
  pill.dataset.state = state;
  pill.textContent = LABELS[state];
  return state;
}

export async function showServiceStatus(pill: HTMLElement): Promise<ServiceState> {
  try {
    const response = await withTimeout(fetch('/status', { headers: { Accept: 'application/json' } }), 5_000, 'the status check');
    // Too many status checks from this address: the service is up, it just would not say more.
    if (response.status === 429) return show(pill, 'ok');
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as StatusResponse;
    if (body.conversations?.accepting === false && body.conversations.reason === 'not_configured') return show(pill, 'not_configured');
    return show(pill, body.status === 'ok' ? 'ok' : 'degraded');
  } catch {
    return show(pill, 'down');
  }
}
