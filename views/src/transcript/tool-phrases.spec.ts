import { toolPhrase } from './tool-phrases';

describe('toolPhrase', () => {
  it('says what DUCK-E is doing, with the place or the query', () => {
    expect(toolPhrase('get_current_weather', { location: 'Paris' }, 'running')).toBe('Checking the weather in Paris…');
    expect(toolPhrase('get_current_weather', { location: 'Paris' }, 'done')).toBe('Checked the weather in Paris');
    expect(toolPhrase('get_weather_forecast', { location: 'São Paulo', days: 3 }, 'failed')).toBe("Couldn't get the forecast for São Paulo");
    expect(toolPhrase('web_search', { query: 'duck facts' }, 'running')).toBe('Searching the web for “duck facts”…');
  });

  it('still reads well before the arguments are known, and for tools it does not know', () => {
    expect(toolPhrase('get_current_weather', {}, 'running')).toBe('Checking the weather…');
    expect(toolPhrase('get_current_weather', { location: '  ' }, 'running')).toBe('Checking the weather…');
    expect(toolPhrase('remember', {}, 'done')).toBe('Used remember');
  });
});
