import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { TOOL_CATALOG } from '../common/session-ports';
import { ToolMetricsModule } from './tool-metrics';
import { ToolRegistry } from './tool-registry.service';
import { WeatherModule } from './weather/weather.module';
import { WebFetchModule } from './web-fetch/web-fetch.module';
import { WebSearchModule } from './web-search/web-search.module';

/**
 * What the model can call while you talk. Provides TOOL_CATALOG (the realtime module lists and
 * runs tools through it); the tools themselves are @RegisteredTool providers of the modules
 * imported here, found through Nest's discovery.
 */
@Module({
  imports: [DiscoveryModule, ToolMetricsModule, WeatherModule, WebSearchModule, WebFetchModule],
  providers: [ToolRegistry, { provide: TOOL_CATALOG, useExisting: ToolRegistry }],
  exports: [TOOL_CATALOG],
})
export class ToolsModule {}
