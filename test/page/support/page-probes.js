/* global window, document, getComputedStyle */
// Test probes, installed in the page before its own script (playwright addInitScript, which the
// page's CSP does not govern). They only observe: what the browser reported (CSP violations),
// the peer connections the page made, and a few reads the tests make. Plain browser JavaScript,
// so the test program needs no DOM types.
(() => {
  const cspViolations = [];
  document.addEventListener('securitypolicyviolation', (event) => {
    cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} (${event.sourceFile}:${event.lineNumber})`);
  });

  const peers = [];
  const NativePeerConnection = window.RTCPeerConnection;
  window.RTCPeerConnection = class extends NativePeerConnection {
    constructor(configuration) {
      super(configuration);
      peers.push(this);
    }
  };

  window.__duckeProbe = {
    cspViolations: () => cspViolations.slice(),

    /** Is the newest peer connection sending a live, enabled microphone track? */
    microphoneLive: () => {
      const sender = peers.at(-1)?.getSenders().find((s) => s.track && s.track.kind === 'audio');
      return sender ? sender.track.enabled && sender.track.readyState === 'live' : null;
    },

    remoteAudioAttached: () => document.getElementById('remote-audio').srcObject !== null,

    focused: () => {
      const element = document.activeElement;
      return element ? element.id || element.className || element.tagName : '';
    },

    /** The transcript as a person sees it, top to bottom. */
    transcript: () =>
      [...document.querySelectorAll('#transcript-list > li')].map((li) =>
        li.classList.contains('tool')
          ? { kind: 'tool', text: li.querySelector('.tool-text').textContent, status: li.dataset.status }
          : { kind: 'line', who: li.querySelector('.speaker').textContent, text: li.querySelector('.words').textContent },
      ),

    /** Where every script and stylesheet comes from. */
    assetUrls: () => [...document.querySelectorAll('script, link[rel=stylesheet]')].map((e) => e.getAttribute('src') || e.getAttribute('href')),

    pageWidth: () => document.documentElement.scrollWidth,

    outlineOf: (selector) => {
      const style = getComputedStyle(document.querySelector(selector));
      return { style: style.outlineStyle, width: parseFloat(style.outlineWidth) };
    },

    /** The ring's animation in a given call state (the state is set on the card for the check). */
    ringAnimation: (state) => {
      document.getElementById('call').dataset.state = state;
      return getComputedStyle(document.querySelector('.ring')).animationName;
    },

    /** Set by any injected markup that managed to run. */
    pwned: () => window.__pwned,

    axeViolations: async () => {
      const result = await window.axe.run(document, { resultTypes: ['violations'] });
      return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }));
    },
  };
})();
