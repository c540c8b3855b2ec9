import { Module } from '@nestjs/common';
import { ToolMetricsModule } from '../tool-metrics';
import { ADDRESS_EXCEPTION, NO_ADDRESS_EXCEPTION } from './address-exception';
import { HOST_RESOLVER } from './host-resolver';
import { PageFetcher } from './page-fetcher.service';
import { PageReader } from './page-reader.service';
import { PinnedHttpClient } from './pinned-http.client';
import { SystemDnsResolver } from './system-dns.resolver';
import { DEFAULT_WEB_FETCH_LIMITS, WEB_FETCH_LIMITS } from './web-fetch-limits';
import { WebFetchService } from './web-fetch.service';
import { WebFetchTool } from './web-fetch.tool';

/** The `web_fetch` tool: one public page read, SSRF-pinned (see docs/tools.md). */
@Module({
  imports: [ToolMetricsModule],
  providers: [
    { provide: HOST_RESOLVER, useClass: SystemDnsResolver },
    // Never from configuration: see address-exception.ts.
    { provide: ADDRESS_EXCEPTION, useValue: NO_ADDRESS_EXCEPTION },
    { provide: WEB_FETCH_LIMITS, useValue: DEFAULT_WEB_FETCH_LIMITS },
    PinnedHttpClient,
    PageFetcher,
    PageReader,
    WebFetchService,
    WebFetchTool,
  ],
})
export class WebFetchModule {}
