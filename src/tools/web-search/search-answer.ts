// Shaping a Responses API answer into what the voice model needs: a short text and its
// sources, plus the usage the cost module meters.
import type { Response } from 'openai/resources/responses/responses';
import type { BackendUsage } from '../../common/session-ports';

export const MAX_ANSWER_CHARS = 1_200;
export const MAX_SOURCES = 5;

export interface SearchSource {
  title?: string;
  url: string;
}

export interface SearchAnswer {
  answer: string;
  sources: SearchSource[];
}

export function shapeAnswer(response: Response): SearchAnswer {
  const texts: string[] = [];
  const sources = new Map<string, SearchSource>();
  const searched: string[] = [];
  for (const item of response.output ?? []) {
    if (item.type === 'message') {
      for (const part of item.content ?? []) {
        if (part.type !== 'output_text') continue;
        texts.push(part.text);
        for (const annotation of part.annotations ?? []) {
          if (annotation.type === 'url_citation' && isWebUrl(annotation.url) && !sources.has(annotation.url)) {
            sources.set(annotation.url, { title: annotation.title?.trim() || undefined, url: annotation.url });
          }
        }
      }
    } else if (item.type === 'web_search_call' && item.action?.type === 'search') {
      for (const source of item.action.sources ?? []) if (isWebUrl(source.url)) searched.push(source.url);
    }
  }
  // Cited sources first; the pages the search looked at when the answer cites none.
  for (const url of searched) if (sources.size < MAX_SOURCES && !sources.has(url)) sources.set(url, { url });
  return { answer: speakable(texts.join('\n').trim()), sources: [...sources.values()].slice(0, MAX_SOURCES) };
}

/** Billable searches: `tool_usage.web_search.num_requests`, else the search actions in the output. */
export function billableSearches(response: Response): number {
  const reported = response.tool_usage?.web_search?.num_requests;
  if (typeof reported === 'number' && Number.isFinite(reported)) return reported;
  return (response.output ?? []).filter((item) => item.type === 'web_search_call' && item.action?.type === 'search').length;
}

export function backendUsage(response: Response, model: string): BackendUsage {
  const usage = response.usage;
  return {
    id: response.id,
    model,
    inputTokens: usage?.input_tokens ?? 0,
    cachedInputTokens: usage?.input_tokens_details?.cached_tokens ?? 0,
    outputTokens: usage?.output_tokens ?? 0,
    webSearchCalls: billableSearches(response),
  };
}

/** Markdown links and inline citations out, whitespace collapsed, cut at a word near the cap. */
function speakable(text: string): string {
  const plain = text
    .replace(/\s*\(\[[^\]]*\]\([^)]*\)\)/gu, '')
    .replace(/\[([^\]]+)\]\([^)]*\)/gu, '$1')
    .replace(/[*_`#]+/gu, '')
    .replace(/\s+/gu, ' ')
    .trim();
  if (plain.length <= MAX_ANSWER_CHARS) return plain;
  const cut = plain.slice(0, MAX_ANSWER_CHARS);
  const lastSpace = cut.lastIndexOf(' ');
  return `${(lastSpace > MAX_ANSWER_CHARS / 2 ? cut.slice(0, lastSpace) : cut).trimEnd()}…`;
}

function isWebUrl(url: unknown): url is string {
  return typeof url === 'string' && /^https?:\/\//iu.test(url) && url.length <= 2_048;
}
