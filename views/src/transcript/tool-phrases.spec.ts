import { toolKind, toolPhrase } from './tool-phrases';

describe('toolPhrase', () => {
  it('says what DUCK-E is doing, with the place or the query', () => {
    expect(toolPhrase('get_current_weather', { location: 'Paris' }, 'running')).toBe('Checking the weather in Paris…');
    expect(toolPhrase('get_current_weather', { location: 'Paris' }, 'done')).toBe('Checked the weather in Paris');
    expect(toolPhrase('get_weather_forecast', { location: 'São Paulo', days: 3 }, 'failed')).toBe("Couldn't get the forecast for São Paulo");
    expect(toolPhrase('web_search', { query: 'duck facts' }, 'running')).toBe('Searching the web for “duck facts”…');
  });

  it('names the site a page is read from', () => {
    expect(toolPhrase('web_fetch', { url: 'https://www.example.com/news?id=1' }, 'running')).toBe('Reading example.com…');
    expect(toolPhrase('web_fetch', { url: 'example.com/a' }, 'done')).toBe('Read example.com');
    expect(toolPhrase('web_fetch', { url: 'HTTP://Bücher.de./' }, 'failed')).toBe("Couldn't read xn--bcher-kva.de");
    expect(toolPhrase('web_fetch', { url: 'javascript:alert(1)' }, 'running')).toBe('Reading a web page…');
    expect(toolPhrase('web_fetch', {}, 'running')).toBe('Reading a web page…');
    expect(toolKind('web_fetch')).toBe('page');
  });

  it('still reads well before the arguments are known, and for tools it does not know', () => {
    expect(toolPhrase('get_current_weather', {}, 'running')).toBe('Checking the weather…');
    expect(toolPhrase('get_current_weather', { location: '  ' }, 'running')).toBe('Checking the weather…');
    expect(toolPhrase('remember', {}, 'done')).toBe('Used remember');
  });
});
