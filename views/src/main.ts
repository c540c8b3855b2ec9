// Page script, bundled into /static/app.js at build time (no inline scripts: the CSP forbids them).

interface StatusResponse {
  status: 'ok' | 'degraded';
  version: string;
}

async function showServiceStatus(element: HTMLElement): Promise<void> {
  try {
    const response = await fetch('/status', { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const body = (await response.json()) as StatusResponse;
    element.dataset.state = body.status;
    element.textContent = body.status === 'ok' ? 'DUCK-E is online' : 'DUCK-E is online with reduced service';
  } catch {
    element.dataset.state = 'down';
    element.textContent = 'DUCK-E cannot be reached right now';
  }
}

document.addEventListener('DOMContentLoaded', () => {
  const status = document.getElementById('service-status');
  if (status) void showServiceStatus(status);
});
