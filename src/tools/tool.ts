// The one interface every tool implements. A tool is a Nest provider marked @RegisteredTool():
// the registry (ToolRegistry) finds it through Nest's discovery, lists its definition for the
// session and runs it — so adding a tool is adding one provider, nothing else changes.
import { DiscoveryService } from '@nestjs/core';
import type { LimitedTool, ToolCallContext, ToolOutcomeKind } from '../common/session-ports';

/** JSON Schema of a tool's arguments object, as sent to OpenAI in `session.tools`. */
export interface ToolParameters {
  type: 'object';
  properties: Record<string, Record<string, unknown>>;
  required: string[];
  additionalProperties: false;
}

/** What a tool hands back: an outcome for metrics and the `function_call_output` body. */
export interface ToolResult {
  outcome: ToolOutcomeKind;
  /** Short JSON the model speaks from (serialised by the registry). */
  output: Record<string, unknown>;
}

/** A per-client limit (RATE_LIMIT_*) a tool's calls count against. */
export interface ToolLimit {
  tool: LimitedTool;
  /** As the model says it: "weather" → "I've hit my weather limit". */
  spokenAs: string;
}

export interface Tool<Args extends object = object> {
  readonly name: string;
  readonly description: string;
  readonly parameters: ToolParameters;
  /**
   * The class-validator DTO. The registry copies only the properties named in `parameters`
   * into a fresh instance and validates it; `run` only ever sees a valid instance.
   */
  readonly argsType: new () => Args;
  /**
   * The limit the registry counts each call against, after the arguments are valid and before
   * `run`: over it, or when it cannot be checked, the call is refused and `run` never happens.
   */
  readonly limit?: ToolLimit;
  run(args: Args, context: ToolCallContext): Promise<ToolResult>;
}

/** Marks a provider as a tool the registry lists and runs. */
export const RegisteredTool = DiscoveryService.createDecorator<void>();
