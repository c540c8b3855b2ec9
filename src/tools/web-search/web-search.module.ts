import { Module } from '@nestjs/common';
import { ToolMetricsModule } from '../tool-metrics';
import { OpenAIResponsesClient } from './openai-responses.client';
import { WebSearchService } from './web-search.service';
import { WebSearchTool } from './web-search.tool';

/** The `web_search` tool: the OpenAI Responses API with its web_search tool. */
@Module({
  imports: [ToolMetricsModule],
  providers: [OpenAIResponsesClient, WebSearchService, WebSearchTool],
})
export class WebSearchModule {}
