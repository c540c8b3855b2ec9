import { Inject, Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import type { ValidationError } from 'class-validator';
import { parseJsonObject, validatedDto } from '../common/dto-parsing';
import type { Counter, Histogram } from 'prom-client';
import { TOOL_LIMITER } from '../common/session-ports';
import type { ToolCallContext, ToolCatalog, ToolDefinition, ToolLimiter, ToolOutcome, ToolOutcomeKind } from '../common/session-ports';
import { RegisteredTool, Tool, ToolResult } from './tool';
import { failure, rateLimited } from './tool-result';
import { TOOL_CALLS_TOTAL, TOOL_DURATION_SECONDS } from './tool-metrics';

/** Longer argument strings are refused before any parsing work (the limits are far below). */
const MAX_ARGUMENTS_JSON = 16_384;

/**
 * The TOOL_CATALOG: lists every @RegisteredTool provider for the session and runs one call:
 * arguments parsed and validated, the tool's declared limit counted, then the tool. `run` never
 * throws — bad JSON, invalid arguments, a limit, an unknown tool or a failing tool all come back
 * as an outcome with a short error output — and records every call in the metrics.
 */
@Injectable()
export class ToolRegistry implements ToolCatalog, OnModuleInit {
  private readonly logger = new Logger(ToolRegistry.name);
  private readonly tools = new Map<string, Tool>();
  private definitionList: ToolDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @Inject(TOOL_LIMITER) private readonly limiter: ToolLimiter,
    @InjectMetric(TOOL_CALLS_TOTAL) private readonly calls: Counter<'tool' | 'outcome'>,
    @InjectMetric(TOOL_DURATION_SECONDS) private readonly duration: Histogram<'tool' | 'outcome'>,
  ) {}

  onModuleInit(): void {
    const found = this.discovery
      .getProviders({ metadataKey: RegisteredTool.KEY })
      .map((wrapper) => wrapper.instance as Tool | undefined)
      .filter((instance): instance is Tool => Boolean(instance));
    for (const tool of new Set(found)) this.register(tool);
  }

  /** Add a tool by hand (unit tests; discovery does this in the app). Names are unique. */
  register(tool: Tool): void {
    const existing = this.tools.get(tool.name);
    if (existing === tool) return;
    if (existing) throw new Error(`two tools are named ${tool.name}`);
    this.tools.set(tool.name, tool);
    this.definitionList = [...this.tools.values()].map((entry) => ({
      type: 'function' as const,
      name: entry.name,
      description: entry.description,
      parameters: entry.parameters as unknown as Record<string, unknown>,
    }));
  }

  definitions(): ToolDefinition[] {
    return this.definitionList.map((definition) => ({ ...definition }));
  }

  async run(name: string, argumentsJson: string, context: ToolCallContext): Promise<ToolOutcome> {
    const started = process.hrtime.bigint();
    const tool = this.tools.get(name);
    // Only registered names become label values; anything else is "unknown".
    const toolLabel = tool ? tool.name : 'unknown';
    let result: ToolResult;
    try {
      if (!tool) {
        result = failure('unknown_tool', `There is no tool called ${JSON.stringify(String(name).slice(0, 64))}.`);
      } else {
        const args = this.parseArguments(tool, argumentsJson);
        if (typeof args === 'string') result = failure('invalid_arguments', args);
        else result = (await this.checkLimit(tool, context)) ?? (await tool.run(args, context));
      }
    } catch (error) {
      this.logger.error(`tool ${toolLabel} failed (request ${context.requestId}): ${(error as Error).message}`);
      result = failure('upstream_error', 'That lookup failed on my side; try again in a moment.');
    }
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    this.record(toolLabel, result.outcome, seconds);
    this.logger.debug(`tool ${toolLabel} → ${result.outcome} in ${(seconds * 1000).toFixed(1)} ms (request ${context.requestId})`);
    return { ok: result.outcome === 'ok', outcome: result.outcome, output: JSON.stringify(result.output) };
  }

  /** Count the call against the tool's limit; a refusal when over it or when it cannot be checked. */
  private async checkLimit(tool: Tool, context: ToolCallContext): Promise<ToolResult | undefined> {
    const limit = tool.limit;
    if (!limit) return undefined;
    try {
      const decision = await this.limiter.consume(limit.tool, context.identity);
      return decision.allowed ? undefined : rateLimited(limit.spokenAs, decision.retryAfterSec);
    } catch (error) {
      // The limit cannot be checked: refuse rather than call an upstream API unmetered.
      this.logger.warn(`${limit.spokenAs} limit check failed (request ${context.requestId}): ${(error as Error).message}`);
      return failure('upstream_error', `I can't check my ${limit.spokenAs} limit right now; try again in a minute.`);
    }
  }

  /** A validated DTO instance, or the message explaining what is wrong. */
  private parseArguments(tool: Tool, argumentsJson: string): object | string {
    if (typeof argumentsJson !== 'string') return 'Arguments must be a JSON object.';
    if (argumentsJson.length > MAX_ARGUMENTS_JSON) return 'Arguments are too long.';
    const parsed = parseJsonObject(argumentsJson, { emptyAsObject: true });
    if (!parsed.ok) return parsed.problem === 'not_json' ? 'Arguments are not valid JSON.' : 'Arguments must be a JSON object.';
    const { dto, errors } = validatedDto(tool.argsType, parsed.value, Object.keys(tool.parameters.properties), {
      prepare: prepareArgument,
      validator: { stopAtFirstError: true },
    });
    return errors.length ? describe(errors) : dto;
  }

  private record(tool: string, outcome: ToolOutcomeKind, seconds: number): void {
    this.calls.inc({ tool, outcome });
    this.duration.observe({ tool, outcome }, seconds);
  }
}

/** null means "not given", so an optional argument keeps its default; text is compared in NFC, trimmed. */
function prepareArgument(value: unknown): unknown {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'string' && value.length <= MAX_ARGUMENTS_JSON ? value.normalize('NFC').trim() : value;
}

/** "location: must be a place name …; days: must be 1 to 7" */
function describe(errors: ValidationError[]): string {
  return errors
    .map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ') || 'invalid'}`)
    .join('; ');
}
