import { parseServerMessage } from './session-messages';

describe('parseServerMessage', () => {
  it('reads the messages of docs/protocol.md', () => {
    expect(parseServerMessage(JSON.stringify({ type: 'session.started', sessionId: 's', sdp: 'v=0', model: 'm', voice: 'marin', limits: { maxCostUsd: 5, maxDurationSec: 1800 } }))).toEqual({
      type: 'session.started',
      sessionId: 's',
      sdp: 'v=0',
      model: 'm',
      voice: 'marin',
      limits: { maxCostUsd: 5, maxDurationSec: 1800 },
    });
    expect(parseServerMessage('{"type":"cost.updated","sessionCostUsd":0.5,"budgetUsd":5,"budgetWarning":true,"secondsLeft":60}')).toEqual({
      type: 'cost.updated',
      sessionCostUsd: 0.5,
      budgetUsd: 5,
      budgetWarning: true,
      secondsLeft: 60,
    });
    expect(parseServerMessage('{"type":"error","code":"unauthorized","message":"m","loginUrl":"/login"}')).toMatchObject({ code: 'unauthorized', loginUrl: '/login' });
    expect(parseServerMessage('{"type":"tool.result","name":"web_search","callId":"c","ok":false,"durationMs":12}')).toMatchObject({ ok: false, durationMs: 12 });
  });

  it('ignores what is not JSON, unknown types and messages missing required fields', () => {
    expect(parseServerMessage('not json')).toBeUndefined();
    expect(parseServerMessage('"text"')).toBeUndefined();
    expect(parseServerMessage('{"type":"surprise"}')).toBeUndefined();
    expect(parseServerMessage('{"type":"session.started","sdp":"v=0"}')).toBeUndefined();
    expect(parseServerMessage('{"type":"cost.updated","sessionCostUsd":"1","budgetUsd":5}')).toBeUndefined();
  });
});
