import { Injectable } from '@nestjs/common';
import type { ToolCallContext } from '../../common/session-ports';
import { RegisteredTool, Tool, ToolLimit, ToolParameters, ToolResult } from '../tool';
import { QUERY_MAX_CHARS } from '../validation/text-rules';
import { WebSearchArgs } from './dto/web-search-args.dto';
import { WebSearchService } from './web-search.service';

const WEB_SEARCH_LIMIT: ToolLimit = { tool: 'web_search', spokenAs: 'web search' };

@RegisteredTool()
@Injectable()
export class WebSearchTool implements Tool<WebSearchArgs> {
  readonly name = 'web_search';
  readonly description =
    'Search the web for current information: news, prices, opening hours, sports results, recent events. Returns a short answer and its sources. Tell the user you are looking it up before calling it; it takes a few seconds.';
  readonly parameters: ToolParameters = {
    type: 'object',
    properties: {
      query: { type: 'string', description: 'What to search for, as a clear question or keywords.', minLength: 1, maxLength: QUERY_MAX_CHARS },
    },
    required: ['query'],
    additionalProperties: false,
  };
  readonly argsType = WebSearchArgs;

  constructor(private readonly webSearch: WebSearchService) {}

  /** RATE_LIMIT_WEB_SEARCH; a server without the key answers "not configured" and counts nothing. */
  get limit(): ToolLimit | undefined {
    return this.webSearch.configured ? WEB_SEARCH_LIMIT : undefined;
  }

  run(args: WebSearchArgs, context: ToolCallContext): Promise<ToolResult> {
    return this.webSearch.search(args.query, context);
  }
}
