import { Logger } from '@nestjs/common';
import type { DiscoveryService } from '@nestjs/core';
import { IsInt, IsOptional, IsString, Max, MaxLength } from 'class-validator';
import { Counter, Histogram, Registry } from 'prom-client';
import type { ToolCallContext } from '../common/session-ports';
import type { Tool, ToolParameters, ToolResult } from './tool';
import { answer } from './tool-result';
import { CountingLimiter } from '../../test/tools/tool-kit';
import { ToolRegistry } from './tool-registry.service';

class EchoArgs {
  @IsString() @MaxLength(10) text!: string;
  @IsOptional() @IsInt() @Max(5) times: number = 1;
}

class EchoTool implements Tool<EchoArgs> {
  readonly name: string = 'echo';
  readonly description = 'Repeat text.';
  readonly parameters: ToolParameters = {
    type: 'object',
    properties: { text: { type: 'string' }, times: { type: 'integer' } },
    required: ['text'],
    additionalProperties: false,
  };
  readonly argsType = EchoArgs;
  readonly seen: EchoArgs[] = [];
  failWith: Error | undefined;

  async run(args: EchoArgs): Promise<ToolResult> {
    this.seen.push(args);
    if (this.failWith) throw this.failWith;
    return answer({ echoed: args.text.repeat(args.times) });
  }
}

const context: ToolCallContext = {
  sessionId: 's1',
  requestId: 's1',
  identity: { ip: '198.51.100.1', clientKey: '198.51.100.1' },
  signal: new AbortController().signal,
  reportBackendUsage: async () => undefined,
};

describe('ToolRegistry (the TOOL_CATALOG)', () => {
  beforeAll(() => Logger.overrideLogger(false));
  afterAll(() => Logger.overrideLogger(['log', 'error', 'warn', 'debug', 'verbose', 'fatal']));

  let registry: ToolRegistry;
  let tool: EchoTool;
  let limiter: CountingLimiter;
  let metrics: Registry;

  beforeEach(() => {
    metrics = new Registry();
    const calls = new Counter({ name: 'ducke_tool_calls_total', help: 'h', labelNames: ['tool', 'outcome'], registers: [metrics] });
    const duration = new Histogram({ name: 'ducke_tool_duration_seconds', help: 'h', labelNames: ['tool', 'outcome'], registers: [metrics] });
    tool = new EchoTool();
    limiter = new CountingLimiter();
    const discovery = { getProviders: () => [{ instance: tool }, { instance: tool }] } as unknown as DiscoveryService;
    registry = new ToolRegistry(discovery, limiter, calls, duration);
    registry.onModuleInit();
  });

  const callsOf = async (labels: Record<string, string>) => {
    const metric = (await metrics.getMetricsAsJSON()).find((entry) => entry.name === 'ducke_tool_calls_total');
    return metric?.values.find((value) => Object.entries(labels).every(([key, label]) => value.labels[key] === label))?.value ?? 0;
  };

  it('lists every discovered tool once, as an OpenAI function definition', () => {
    expect(registry.definitions()).toEqual([{ type: 'function', name: 'echo', description: 'Repeat text.', parameters: tool.parameters }]);
  });

  it('runs a tool with validated, trimmed arguments and a default for what is not given', async () => {
    const outcome = await registry.run('echo', '{"text":"  hi  "}', context);
    expect(outcome).toEqual({ ok: true, outcome: 'ok', output: '{"echoed":"hi"}' });
    expect(tool.seen[0]).toBeInstanceOf(EchoArgs);
    expect(await callsOf({ tool: 'echo', outcome: 'ok' })).toBe(1);
  });

  it('treats null as "not given" and drops properties the schema does not declare', async () => {
    await registry.run('echo', '{"text":"a","times":null,"extra":"x","__proto__":{"polluted":true},"constructor":1}', context);
    expect(tool.seen[0]).toEqual(Object.assign(new EchoArgs(), { text: 'a', times: 1 }));
    expect(Object.getPrototypeOf(tool.seen[0])).toBe(EchoArgs.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it.each([
    ['{not json', 'Arguments are not valid JSON.'],
    ['[1,2]', 'Arguments must be a JSON object.'],
    ['null', 'Arguments must be a JSON object.'],
    ['"text"', 'Arguments must be a JSON object.'],
    ['{}', 'text:'],
    ['{"text":"far too long text"}', 'text:'],
    ['{"text":"ok","times":9}', 'times:'],
    ['{"text":"ok","times":"2"}', 'times:'],
    [`{"text":"${'x'.repeat(20_000)}"}`, 'Arguments are too long.'],
  ])('refuses %s with a short error result and never runs the tool', async (json, message) => {
    const outcome = await registry.run('echo', json, context);
    expect(outcome.ok).toBe(false);
    expect(outcome.outcome).toBe('invalid_arguments');
    expect(JSON.parse(outcome.output)).toEqual({ error: 'invalid_arguments', message: expect.stringContaining(message) });
    expect(tool.seen).toHaveLength(0);
    expect(await callsOf({ tool: 'echo', outcome: 'invalid_arguments' })).toBe(1);
  });

  it('answers an unknown tool with an error output, and keeps its name out of the metric labels', async () => {
    const outcome = await registry.run('get_secret_files', '{}', context);
    expect(outcome).toMatchObject({ ok: false, outcome: 'unknown_tool' });
    expect(JSON.parse(outcome.output).message).toContain('get_secret_files');
    expect(await callsOf({ tool: 'unknown', outcome: 'unknown_tool' })).toBe(1);
    expect(await callsOf({ tool: 'get_secret_files' })).toBe(0);
  });

  it('never throws: a failing tool becomes an upstream_error result', async () => {
    tool.failWith = new Error('boom');
    await expect(registry.run('echo', '{"text":"a"}', context)).resolves.toMatchObject({ ok: false, outcome: 'upstream_error' });
  });

  it('refuses two different tools with one name', () => {
    expect(() => registry.register(new EchoTool())).toThrow('two tools are named echo');
  });

  it('times every call in the duration histogram', async () => {
    await registry.run('echo', '{"text":"a"}', context);
    const histogram = (await metrics.getMetricsAsJSON()).find((entry) => entry.name === 'ducke_tool_duration_seconds');
    const count = histogram?.values.find((value) => (value as { metricName?: string }).metricName === 'ducke_tool_duration_seconds_count' && value.labels.tool === 'echo');
    expect(count?.value).toBe(1);
  });

  describe('a tool that declares its limit', () => {
    class LimitedEcho extends EchoTool {
      override readonly name = 'limited_echo';
      readonly limit = { tool: 'weather' as const, spokenAs: 'echo' };
    }
    let limited: LimitedEcho;
    beforeEach(() => {
      limited = new LimitedEcho();
      registry.register(limited);
    });

    it('counts each valid call once against it, for the caller, before the tool runs', async () => {
      await registry.run('limited_echo', '{"text":"a"}', context);
      await registry.run('limited_echo', '{"text":42}', context); // invalid: not counted
      await registry.run('echo', '{"text":"a"}', context); // no limit declared
      expect(limiter.calls).toEqual([{ tool: 'weather', identity: context.identity }]);
    });

    it('over the limit: a spoken refusal with the wait, and the tool never runs', async () => {
      limiter = new CountingLimiter({ weather: 0 }, 701);
      const metricsOf = new Registry();
      registry = new ToolRegistry(
        { getProviders: () => [{ instance: limited }] } as unknown as DiscoveryService,
        limiter,
        new Counter({ name: 'ducke_tool_calls_total', help: 'h', labelNames: ['tool', 'outcome'], registers: [metricsOf] }),
        new Histogram({ name: 'ducke_tool_duration_seconds', help: 'h', labelNames: ['tool', 'outcome'], registers: [metricsOf] }),
      );
      registry.onModuleInit();
      const outcome = await registry.run('limited_echo', '{"text":"a"}', context);
      expect(outcome).toMatchObject({ ok: false, outcome: 'rate_limited' });
      expect(JSON.parse(outcome.output)).toEqual({ error: 'rate_limited', message: "I've hit my echo limit, try again in 12 minutes.", retryAfterSec: 701 });
      expect(limited.seen).toHaveLength(0);
    });

    it('refuses (tool not run) when the limit cannot be checked', async () => {
      limiter.failWith = new Error('store down');
      const outcome = await registry.run('limited_echo', '{"text":"a"}', context);
      expect(outcome).toMatchObject({ ok: false, outcome: 'upstream_error' });
      expect(JSON.parse(outcome.output).message).toBe("I can't check my echo limit right now; try again in a minute.");
      expect(limited.seen).toHaveLength(0);
    });
  });
});
