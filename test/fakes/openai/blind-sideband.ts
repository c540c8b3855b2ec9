import type { ServerEvent, UncheckedEvent } from './realtime-events';

// The fake's "blind sideband" mode: the one assumption DUCK-E's spend safety rests on — that the
// sideband also receives every event of responses the browser starts over its data channel — is
// made false on purpose, so tests can prove the probe reports it and the tripwire ends the call.
//
// Each `response.create` records which connection asked; the next `response.created` belongs
// to the oldest request still waiting (OpenAI answers them in order), and every later event
// carrying that response's id follows it. Responses nobody asked for (voice activity) are
// treated as the server's: only browser-started ones are hidden.

type Origin = 'sideband' | 'datachannel';

export class BlindSideband {
  /** While true, events of browser-started responses never reach the sideband sockets. */
  enabled = false;
  private readonly waiting: Origin[] = [];
  private readonly browserResponses = new Set<string>();

  /** A `response.create` arrived from `via`. */
  requested(via: Origin): void {
    this.waiting.push(via);
  }

  /** True when `event` must not be sent to the sidebands. Call for every emitted event, in order. */
  hides(event: ServerEvent | UncheckedEvent): boolean {
    const responseId = responseIdOf(event);
    if (event.type === 'response.created' && responseId && this.waiting.shift() === 'datachannel') this.browserResponses.add(responseId);
    return this.enabled && responseId !== undefined && this.browserResponses.has(responseId);
  }
}

function responseIdOf(event: ServerEvent | UncheckedEvent): string | undefined {
  // Read as a plain record: only some event types carry `response` or `response_id`.
  const fields = event as { response?: { id?: unknown }; response_id?: unknown };
  const nested = fields.response?.id;
  const id = typeof nested === 'string' ? nested : fields.response_id;
  return typeof id === 'string' ? id : undefined;
}
