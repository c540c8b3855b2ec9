import { ConfigValidationError, validateEnvironment } from './environment';

function problemsOf(env: Record<string, string>): string[] {
  try {
    validateEnvironment(env);
    return [];
  } catch (error) {
    return (error as ConfigValidationError).problems;
  }
}

describe('price checks at start-up', () => {
  it('accepts the default models and every priced one, snapshots included', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ REALTIME_MODEL: 'gpt-realtime-2025-08-28', REALTIME_TRANSCRIPTION_MODEL: 'gpt-4o-mini-transcribe-2025-12-15', WEB_SEARCH_MODEL: 'gpt-5.5' })).toEqual([]);
  });

  it('refuses to start with a model the price book lacks, naming the variable and the model', () => {
    const problems = problemsOf({ REALTIME_MODEL: 'gpt-realtime-3', WEB_SEARCH_MODEL: 'gpt-6-mini' });
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^REALTIME_MODEL="gpt-realtime-3" has no price in DUCK-E's price book .*COST_PRICE_OVERRIDES/);
    expect(problems[1]).toMatch(/^WEB_SEARCH_MODEL="gpt-6-mini" has no price/);
  });

  it('refuses the SDK transcription models without a published price, saying so', () => {
    expect(problemsOf({ REALTIME_TRANSCRIPTION_MODEL: 'gpt-transcribe' })[0]).toContain('OpenAI had published no price for it');
  });

  it('starts with an unknown model when COST_PRICE_OVERRIDES prices it', () => {
    expect(problemsOf({ REALTIME_MODEL: 'gpt-realtime-3', COST_PRICE_OVERRIDES: '{"gpt-realtime-3":{"textIn":4,"textOut":24,"audioIn":32,"audioOut":64}}' })).toEqual([]);
  });

  it('names what is wrong with COST_PRICE_OVERRIDES', () => {
    expect(problemsOf({ COST_PRICE_OVERRIDES: '{nope' })[0]).toMatch(/^COST_PRICE_OVERRIDES="\{nope" is not valid JSON/);
    expect(problemsOf({ COST_PRICE_OVERRIDES: '[1]' })[0]).toContain('must be a JSON object keyed by model id');
    expect(problemsOf({ COST_PRICE_OVERRIDES: '{"m":{"audioIN":3}}' })[0]).toContain('"m" has an unknown field "audioIN"');
    expect(problemsOf({ COST_PRICE_OVERRIDES: '{"m":{"textIn":-1}}' })[0]).toContain('"m".textIn must be a number from 0 to 10000');
    expect(problemsOf({ COST_PRICE_OVERRIDES: '{"m":{"contextTokens":1000}}' })[0]).toContain('"m" gives no price');
  });

  it('validates the time floor rate', () => {
    expect(problemsOf({ COST_PROTECTION_MIN_USD_PER_MINUTE: '0' })).toEqual([]);
    expect(problemsOf({ COST_PROTECTION_MIN_USD_PER_MINUTE: '0.05' })).toEqual([]);
    expect(problemsOf({ COST_PROTECTION_MIN_USD_PER_MINUTE: 'cheap' })[0]).toContain('COST_PROTECTION_MIN_USD_PER_MINUTE="cheap" must be an amount in USD per minute');
  });
});
