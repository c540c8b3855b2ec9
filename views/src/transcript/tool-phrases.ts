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
    case 'web_fetch': {
      const site = siteOf(args.url);
      const what = site ?? 'a web page';
      return { running: `Reading ${what}…`, done: `Read ${what}`, failed: `Couldn't read ${what}` };
    }
    default:
      return { running: `Using ${name}…`, done: `Used ${name}`, failed: `${name} didn't work` };
  }
}

/** "example.com" from "https://www.example.com/a?b" (or a bare "example.com/a"); nothing when it is no web address. */
function siteOf(value: unknown): string | undefined {
  const raw = text(value);
  if (!raw || raw.length > 2_048) return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined;
    const host = url.hostname.replace(/^www\./, '').replace(/\.$/, '');
    return host && host.length <= 80 ? host : undefined;
  } catch {
    return undefined;
  }
}

export function toolPhrase(name: string, args: Record<string, unknown>, status: ToolStatus): string {
  return phrasesFor(name, args)[status];
}

/** Which icon the chip shows. */
export function toolKind(name: string): 'weather' | 'search' | 'page' | 'tool' {
  if (name === 'get_current_weather' || name === 'get_weather_forecast') return 'weather';
  if (name === 'web_search') return 'search';
  if (name === 'web_fetch') return 'page';
  return 'tool';
}
