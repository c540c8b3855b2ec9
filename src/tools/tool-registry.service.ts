import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { InjectMetric } from '@willsoto/nestjs-prometheus';
import { validateSync, ValidationError } from 'class-validator';
import type { Counter, Histogram } from 'prom-client';
import type { ToolCallContext, ToolCatalog, ToolDefinition, ToolOutcome, ToolOutcomeKind } from '../common/session-ports';
import { RegisteredTool, Tool, ToolResult } from './tool';
import { failure } from './tool-result';
import { TOOL_CALLS_TOTAL, TOOL_DURATION_SECONDS } from './tool-metrics';

/** Longer argument strings are refused before any parsing work (the limits are far below). */
const MAX_ARGUMENTS_JSON = 16_384;

/**
 * The TOOL_CATALOG: lists every @RegisteredTool provider for the session and runs one call.
 * `run` never throws — bad JSON, invalid arguments, an unknown tool or a failing tool all come
 * back as an outcome with a short error output — and records every call in the metrics.
 */
@Injectable()
export class ToolRegistry implements ToolCatalog, OnModuleInit {
  private readonly logger = new Logger(ToolRegistry.name);
  private readonly tools = new Map<string, Tool>();
  private definitionList: ToolDefinition[] = [];

  constructor(
    private readonly discovery: DiscoveryService,
    @InjectMetric(TOOL_CALLS_TOTAL) private readonly calls: Counter<'tool' | 'outcome'>,
    @InjectMetric(TOOL_DURATION_SECONDS) private readonly duration: Histogram<'tool' | 'outcome'>,
  ) {}

  onModuleInit(): void {
    const found = this.discovery
      .getProviders({ metadataKey: RegisteredTool.KEY })
      .map((wrapper) => wrapper.instance as Tool | undefined)
      .filter((instance): instance is Tool => Boolean(instance) && instance?.enabled !== false);
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
        result = typeof args === 'string' ? failure('invalid_arguments', args) : await tool.run(args, context);
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

  /** A validated DTO instance, or the message explaining what is wrong. */
  private parseArguments(tool: Tool, argumentsJson: string): object | string {
    if (typeof argumentsJson !== 'string') return 'Arguments must be a JSON object.';
    if (argumentsJson.length > MAX_ARGUMENTS_JSON) return 'Arguments are too long.';
    let raw: unknown;
    try {
      raw = argumentsJson.trim() === '' ? {} : JSON.parse(argumentsJson);
    } catch {
      return 'Arguments are not valid JSON.';
    }
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return 'Arguments must be a JSON object.';
    const dto = new tool.argsType() as Record<string, unknown>;
    // Copy only the declared properties (never __proto__ or anything else the model invents);
    // null means "not given", so an optional argument keeps its default.
    for (const key of Object.keys(tool.parameters.properties)) {
      if (!Object.hasOwn(raw, key)) continue;
      const value = (raw as Record<string, unknown>)[key];
      if (value === null || value === undefined) continue;
      dto[key] = typeof value === 'string' && value.length <= MAX_ARGUMENTS_JSON ? value.normalize('NFC').trim() : value;
    }
    const errors = validateSync(dto, { forbidUnknownValues: true, stopAtFirstError: true });
    return errors.length ? describe(errors) : dto;
  }

  private record(tool: string, outcome: ToolOutcomeKind, seconds: number): void {
    this.calls.inc({ tool, outcome });
    this.duration.observe({ tool, outcome }, seconds);
  }
}

/** "location: must be a place name …; days: must be 1 to 7" */
function describe(errors: ValidationError[]): string {
  return errors
    .map((error) => `${error.property}: ${Object.values(error.constraints ?? {}).join(', ') || 'invalid'}`)
    .join('; ');
}
