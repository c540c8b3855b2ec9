// The tools' own Prometheus metrics. Labels are bounded: `tool` is a registered tool name (or
// "unknown"), `outcome` a ToolOutcomeKind, `upstream` one of the outside APIs below.
import { Module } from '@nestjs/common';
import { makeCounterProvider, makeHistogramProvider } from '@willsoto/nestjs-prometheus';

export const TOOL_CALLS_TOTAL = 'ducke_tool_calls_total';
export const TOOL_DURATION_SECONDS = 'ducke_tool_duration_seconds';
export const UPSTREAM_ERRORS_TOTAL = 'ducke_upstream_errors_total';
export const WEB_FETCH_REFUSALS_TOTAL = 'ducke_web_fetch_refusals_total';

/** The outside APIs the tools call (the realtime module adds openai_realtime to the same metric). */
export type Upstream = 'open_meteo' | 'weatherapi' | 'openai_responses';

export const toolCallsCounter = makeCounterProvider({
  name: TOOL_CALLS_TOTAL,
  help: 'Tool calls run for the model, by tool and outcome.',
  labelNames: ['tool', 'outcome'],
});

export const toolDurationHistogram = makeHistogramProvider({
  name: TOOL_DURATION_SECONDS,
  help: 'Time from a tool call to its result, by tool and outcome.',
  labelNames: ['tool', 'outcome'],
  buckets: [0.001, 0.005, 0.025, 0.1, 0.25, 0.5, 1, 2, 4, 8, 16, 32],
});

export const upstreamErrorsCounter = makeCounterProvider({
  name: UPSTREAM_ERRORS_TOTAL,
  help: 'Failed requests to outside APIs (each failed attempt, retries included), by upstream.',
  labelNames: ['upstream'],
});

export const webFetchRefusalsCounter = makeCounterProvider({
  name: WEB_FETCH_REFUSALS_TOTAL,
  help: 'web_fetch calls that read no page, by reason (private_address, port, scheme, timeout…): a rise in private_address is someone probing.',
  labelNames: ['reason'],
});

/** Imported by the tool modules that call outside APIs and by the registry. */
@Module({
  providers: [toolCallsCounter, toolDurationHistogram, upstreamErrorsCounter, webFetchRefusalsCounter],
  exports: [toolCallsCounter, toolDurationHistogram, upstreamErrorsCounter, webFetchRefusalsCounter],
})
export class ToolMetricsModule {}
