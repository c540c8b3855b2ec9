import type { SessionCreatedEvent } from 'openai/resources/realtime/realtime';
import type { ToolCatalog } from '../../common/session-ports';
import { SessionConfigFactory, SessionConfigGuard } from './session-config.factory';

const catalog: ToolCatalog = {
  definitions: () => [
    { type: 'function', name: 'get_current_weather', description: 'Weather now', parameters: { type: 'object', properties: { location: { type: 'string' } } } },
    { type: 'function', name: 'web_search', description: 'Search', parameters: { type: 'object', properties: { query: { type: 'string' } } } },
  ],
  run: () => Promise.reject(new Error('not used')),
};
const config = { model: 'gpt-realtime-2', voice: 'marin' as const, transcriptionModel: 'gpt-4o-mini-transcribe', maxOutputTokens: 512, idleTimeoutMs: 30_000, heartbeatIntervalMs: 20_000 };

/** A session as it may arrive on the wire: any subset of fields, in OpenAI's own form. */
const seen = (session: object) => session as SessionCreatedEvent['session'];

describe('SessionConfigFactory', () => {
  const factory = new SessionConfigFactory(config, catalog);

  it('builds the GA session: model, voice, instructions with the languages, tools, transcription and cost bounds', () => {
    const session = factory.build('cedar', ['es-419', 'en']);
    expect(session).toMatchObject({
      type: 'realtime',
      model: 'gpt-realtime-2',
      output_modalities: ['audio'],
      max_output_tokens: 512,
      truncation: { type: 'retention_ratio', retention_ratio: 0.8, token_limits: { post_instructions: 8000 } },
      tool_choice: 'auto',
      audio: { input: { transcription: { model: 'gpt-4o-mini-transcribe' } }, output: { voice: 'cedar' } },
    });
    expect(session.tools).toEqual(catalog.definitions());
    expect(session.instructions).toContain('DUCK-E');
    expect(session.instructions).toContain('<language>es-419, en</language>');
  });
});

describe('SessionConfigGuard', () => {
  const pinned = new SessionConfigFactory(config, catalog).build('marin', ['en-US']);

  it('sees no drift in the session it pinned, in a voice change, or in fields the event leaves out', () => {
    const guard = new SessionConfigGuard(pinned);
    expect(guard.drift(seen(pinned))).toEqual([]);
    expect(guard.drift(seen({ ...pinned, audio: { output: { voice: 'ash' } } }))).toEqual([]);
    expect(guard.drift(seen({ type: 'realtime' }))).toEqual([]);
    // The same tools with reformatted schemas, in another order.
    expect(guard.drift(seen({ tools: [...(pinned.tools as object[])].reverse().map((tool) => ({ ...tool, parameters: {} })) }))).toEqual([]);
  });

  it('names every pinned field someone else changed, and restores them all in one update', () => {
    const guard = new SessionConfigGuard(pinned);
    expect(guard.drift(seen({ ...pinned, instructions: 'talk forever', max_output_tokens: 'inf', tools: [], truncation: 'disabled' }))).toEqual([
      'instructions',
      'max_output_tokens',
      'tools',
      'truncation',
    ]);
    expect(guard.restoreEvent('ducke_restore_1')).toEqual({
      type: 'session.update',
      event_id: 'ducke_restore_1',
      session: {
        type: 'realtime',
        instructions: pinned.instructions,
        max_output_tokens: 512,
        truncation: pinned.truncation,
        tools: pinned.tools,
        tool_choice: 'auto',
      },
    });
  });

  it('accepts OpenAI’s normalised echo of a restored field, but not a different change', () => {
    const guard = new SessionConfigGuard(pinned);
    const normalised = { truncation: { type: 'retention_ratio', retention_ratio: 0.8, token_limits: { post_instructions: 8000, total: 32000 } }, instructions: `${pinned.instructions} ` };
    expect(guard.drift(seen(normalised))).toEqual(['instructions']);
    guard.acceptEcho(seen(normalised), ['instructions']);
    expect(guard.drift(seen(normalised))).toEqual([]);
    expect(guard.drift(seen({ instructions: 'something else' }))).toEqual(['instructions']);
  });
});
