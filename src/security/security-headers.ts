import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import { safeHost } from './origin-policy';

/** Only the page's own origin may use the microphone; everything else powerful is off. */
export const PERMISSIONS_POLICY = 'microphone=(self), camera=(), geolocation=(), display-capture=(), payment=(), usb=()';

/**
 * helmet with a CSP written for this page: self-hosted scripts and styles only, no inline
 * script, the WebSocket back to this host, nothing framed, no plugins, no <base>. WebRTC media
 * does not go through CSP (browsers do not apply connect-src to ICE/RTP).
 */
export function securityHeaders(options: { enableHsts: boolean }) {
  // Older WebKit did not treat 'self' as covering ws(s): name this host's WebSocket explicitly.
  const webSocketSelf = (req: IncomingMessage) => {
    const host = safeHost(req.headers.host);
    return host ? `ws://${host} wss://${host}` : "'self'";
  };
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        'default-src': ["'none'"],
        'script-src': ["'self'"],
        'style-src': ["'self'"],
        'img-src': ["'self'", 'data:'],
        'font-src': ["'self'"],
        'manifest-src': ["'self'"],
        'media-src': ["'self'", 'blob:'],
        'connect-src': ["'self'", webSocketSelf],
        'base-uri': ["'none'"],
        'form-action': ["'self'"],
        'frame-ancestors': ["'none'"],
        'object-src': ["'none'"],
        // Upgrading would break plain-http LAN deployments; it belongs with HSTS.
        ...(options.enableHsts ? { 'upgrade-insecure-requests': [] } : {}),
      },
    },
    strictTransportSecurity: options.enableHsts ? { maxAge: 63_072_000, includeSubDomains: true } : false,
    referrerPolicy: { policy: 'strict-origin-when-cross-origin' },
    xFrameOptions: { action: 'deny' },
    crossOriginEmbedderPolicy: false,
  });
}
