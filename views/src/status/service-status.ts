import { withTimeout } from '../timeout';

// The small pill in the header: is the service up? (GET /status, same origin.)

interface StatusResponse {
  status?: string;
}

export async function showServiceStatus(pill: HTMLElement): Promise<void> {
  try {
    const response = await withTimeout(fetch('/status', { headers: { Accept: 'application/json' } }), 5_000, 'the status check');
    // Too many status checks from this address: the service is up, it just would not say more.
    if (response.status === 429) {
      pill.dataset.state = 'ok';
      pill.textContent = 'Online';
      return;
    }
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as StatusResponse;
    const ok = body.status === 'ok';
    pill.dataset.state = ok ? 'ok' : 'degraded';
    pill.textContent = ok ? 'Online' : 'Online, reduced service';
  } catch {
    pill.dataset.state = 'down';
    pill.textContent = 'Cannot reach the service';
  }
}
