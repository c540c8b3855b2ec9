import { describeUnknownVariable, editDistance, findUnknownVariables, suggestVariable, variableFamilies } from './unknown-variables';

describe('unknown variables', () => {
  it('derives the families of our names from environment.ts', () => {
    const families = variableFamilies();
    for (const prefix of ['DUCKE_', 'RATE_LIMIT_', 'COST_PROTECTION_', 'OPENAI_', 'REALTIME_', 'JWT_', 'AUTH_', 'WEATHER', 'OPEN_METEO_']) {
      expect(families).toContain(prefix);
    }
    // Generic first words of a single known name are not families: other programs use them.
    expect(families.some((prefix) => 'SESSION_MANAGER'.startsWith(prefix) || 'WEB_CONCURRENCY'.startsWith(prefix) || 'HOSTNAME'.startsWith(prefix))).toBe(false);
  });

  it('counts a transposition as one edit', () => {
    expect(editDistance('RATE_LIMT_STATUS', 'RATE_LIMIT_STATUS')).toBe(1);
    expect(editDistance('REDSI_URL', 'REDIS_URL')).toBe(1);
  });

  it('suggests the known name a typo was meant to be, and nothing for a stranger', () => {
    expect(suggestVariable('RATE_LIMT_STATUS')).toBe('RATE_LIMIT_STATUS');
    expect(suggestVariable('rate_limit_status')).toBe('RATE_LIMIT_STATUS');
    expect(suggestVariable('COST_PROTECTION_MAX_SESION_COST_USD')).toBe('COST_PROTECTION_MAX_SESSION_COST_USD');
    expect(suggestVariable('OPENAI_KEY')).toBe('OPENAI_API_KEY');
    expect(suggestVariable('DUCKE_ANYTHING')).toBeUndefined();
  });

  it('reports every unknown name in .env, and in the environment only the ones that look like ours', () => {
    const found = findUnknownVariables(
      { RATE_LIMT_STATUS: '10/minute', PORT: '8000', COMPOSE_PROFILES: 'redis', GRAFANA_ADMIN_PASSWORD: 'x', SOMETHING_ELSE: '1' },
      { PATH: '/usr/bin', HOME: '/root', SESSION_MANAGER: 'local/x', JWT_SECRET: 'x', DUCKE_DEBUG: '1', REDSI_URL: 'redis://x', RATE_LIMIT_STATUS: '1/second' },
    );
    expect(found).toEqual([
      { name: 'RATE_LIMT_STATUS', source: '.env', suggestion: 'RATE_LIMIT_STATUS' },
      { name: 'SOMETHING_ELSE', source: '.env', suggestion: undefined },
      { name: 'JWT_SECRET', source: 'the environment', suggestion: 'JWT_SECRET_KEY' },
      { name: 'DUCKE_DEBUG', source: 'the environment', suggestion: undefined },
      { name: 'REDSI_URL', source: 'the environment', suggestion: 'REDIS_URL' },
    ]);
  });

  it('says what was ignored and what to use instead', () => {
    expect(describeUnknownVariable({ name: 'RATE_LIMT_STATUS', source: '.env', suggestion: 'RATE_LIMIT_STATUS' })).toBe(
      'Unknown variable RATE_LIMT_STATUS in .env is ignored — did you mean RATE_LIMIT_STATUS?',
    );
    expect(describeUnknownVariable({ name: 'DUCKE_DEBUG', source: 'the environment' })).toMatch(/DUCKE_DEBUG in the environment is ignored — see \.env\.example/);
  });
});
