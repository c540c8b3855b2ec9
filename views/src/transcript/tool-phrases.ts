import type { ToolStatus } from './transcript-model';

// Tool activity in words: "Checking the weather in Paris…", "Checked the weather in Paris".

type Phrases = { running: string; done: string; failed: string };

const text = (value: unknown): string | undefined => (typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined);

function phrasesFor(name: string, args: Record<string, unknown>): Phrases {
  const place = text(args.location);
  const query = text(args.query);
  switch (name) {
    case 'get_current_weather': {
      const where = place ? ` in ${place}` : '';
      return { running: `Checking the weather${where}…`, done: `Checked the weather${where}`, failed: `Couldn't check the weather${where}` };
    }
    case 'get_weather_forecast': {
      const where = place ? ` for ${place}` : '';
      return { running: `Checking the forecast${where}…`, done: `Checked the forecast${where}`, failed: `Couldn't get the forecast${where}` };
    }
    case 'web_search': {
      const what = query ? ` for “${query}”` : '';
      return { running: `Searching the web${what}…`, done: `Searched the web${what}`, failed: `Couldn't search the web${what}` };
    }
    default:
      return { running: `Using ${name}…`, done: `Used ${name}`, failed: `${name} didn't work` };
  }
}

export function toolPhrase(name: string, args: Record<string, unknown>, status: ToolStatus): string {
  return phrasesFor(name, args)[status];
}

/** Which icon the chip shows. */
export function toolKind(name: string): 'weather' | 'search' | 'tool' {
  if (name === 'get_current_weather' || name === 'get_weather_forecast') return 'weather';
  if (name === 'web_search') return 'search';
  return 'tool';
}
