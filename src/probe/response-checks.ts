import type { RealtimeClientEvent } from 'openai/resources/realtime/realtime';
import { priceEntryKey } from '../common/price-table';
import type { PriceBook } from '../cost/price-book';
import type { UsageMeter } from '../cost/usage-meter';
import type { CallContext } from './call-context';
import { type Connection, isEvent, type LoggedEvent, responseIdOf } from './event-log';
import type { ResponseRecord } from './probe-report';
import { PROBE_RESPONSE_MAX_OUTPUT_TOKENS } from './spend-estimate';

// The call's responses: one started from each connection and followed to response.done on
// both, then judged on what the server meters by (response.done with usage on the sideband,
// priceable), plus any response the probe did not ask for, listed and priced too.

export interface ResponsePricing {
  meter: UsageMeter;
  prices: PriceBook;
  /** The realtime model the call runs, as the server prices it. */
  model: string;
}

export class ResponseChecks {
  /** Every response of the call, in the order the probe learnt of it. */
  readonly records: ResponseRecord[] = [];

  constructor(
    private readonly call: CallContext,
    private readonly pricing: ResponsePricing,
  ) {}

  /** The probe's response.create: a short fixed answer, capped as the spend bound assumes. */
  static request(eventId: string): RealtimeClientEvent {
    return {
      type: 'response.create',
      event_id: eventId,
      response: { instructions: 'Say exactly: "Quack! The probe hears you." Nothing else.', max_output_tokens: PROBE_RESPONSE_MAX_OUTPUT_TOKENS },
    };
  }

  /** Start one response from `from` and follow it to response.done on both connections; its id. */
  async follow(from: Connection, start: () => void): Promise<string | undefined> {
    const { log, timing } = this.call;
    const since = log.entries.length;
    start();
    const created = await log.waitFor(log.after(since, isEvent('response.created', from === 'sideband' ? 'sideband' : 'datachannel')), timing.responseMs)
      ?? (await log.waitFor(log.after(since, isEvent('response.created')), timing.mirrorMs));
    const id = created ? responseIdOf(created.event) : undefined;
    const record: ResponseRecord = { id: id ?? '(none)', startedBy: from, seenOnDatachannel: false, seenOnSideband: false };
    this.records.push(record);
    if (!id) return undefined;
    const doneOn = (via: Connection) => (logged: LoggedEvent) => logged.via === via && logged.event.type === 'response.done' && responseIdOf(logged.event) === id;
    const first = await log.waitFor((logged) => doneOn('datachannel')(logged) || doneOn('sideband')(logged), timing.responseMs);
    if (first) await Promise.all([log.waitFor(doneOn('datachannel'), timing.mirrorMs), log.waitFor(doneOn('sideband'), timing.mirrorMs)]);
    const onSideband = log.find(doneOn('sideband'))[0];
    const onChannel = log.find(doneOn('datachannel'))[0];
    const response = ((onSideband ?? onChannel)?.event.response ?? {}) as { status?: string; usage?: unknown };
    record.seenOnSideband = Boolean(onSideband);
    record.seenOnDatachannel = Boolean(onChannel);
    record.status = response.status;
    record.usage = response.usage;
    if (response.usage && typeof response.usage === 'object') record.costUsd = this.pricing.meter.priceResponse(this.pricing.model, response.usage).micro / 1_000_000;
    return id;
  }

  /** The findings on the two followed responses: where their response.done arrived, and their usage. */
  judge(): void {
    const { findings } = this.call;
    const { model } = this.pricing;
    for (const [from, id] of [['sideband', 'response.server_on_sideband'], ['datachannel', 'response.browser_on_sideband']] as const) {
      const record = this.records.find((response) => response.startedBy === from);
      const expected = 'response.done with usage on the sideband';
      if (!record || record.id === '(none)') {
        findings.record(id, expected, 'the response never started (no response.created)', 'unchecked');
      } else if (!record.seenOnSideband) {
        findings.record(id, expected, record.seenOnDatachannel ? 'seen on the data channel only' : 'response.done seen on neither connection', 'fail');
      } else if (!record.usage) {
        findings.record(id, expected, 'on the sideband, without usage', 'fail');
      } else {
        findings.record(id, expected, `on the sideband (${record.status}), $${record.costUsd?.toFixed(6)}`, 'pass');
      }
    }
    const started = this.records.filter((response) => response.id !== '(none)');
    const onChannel = started.filter((response) => response.seenOnDatachannel).length;
    if (!started.length) findings.record('response.on_datachannel', 'response.done of both responses on the data channel', 'no response started', 'unchecked');
    else findings.record('response.on_datachannel', 'response.done of both responses on the data channel', `${onChannel} of ${started.length}`, onChannel === started.length ? 'pass' : 'fail');
    const priced = this.records.filter((response) => response.usage);
    const known = priceEntryKey(this.pricing.prices.table, model) !== undefined;
    const detailed = priced.every((response) => {
      const usage = response.usage as { input_token_details?: unknown; output_token_details?: unknown };
      return typeof usage.input_token_details === 'object' && typeof usage.output_token_details === 'object';
    });
    if (!priced.length) findings.record('usage.priceable', 'input/output token details; a known model', 'no usage to look at', 'unchecked');
    else {
      const problems = [...(known ? [] : [`${model} is not in the price book`]), ...(detailed ? [] : ['usage without token details'])];
      findings.record('usage.priceable', 'input/output token details; a known model', problems.length ? problems.join('; ') : `${priced.length} usage(s) priced as ${model}`, problems.length ? 'fail' : 'pass');
    }
  }

  judgeAudioBuffer(): void {
    const started = (via: Connection) => this.call.log.count('output_audio_buffer.started', via);
    const observed = `started: data channel ${started('datachannel')}, sideband ${started('sideband')}`;
    this.call.findings.record('audio_buffer.on_sideband', 'on both connections (the server also learns of audio from transcripts)', observed, 'info');
  }

  /** Responses the probe did not ask for (voice activity): listed and priced too. */
  recordOthers(): void {
    const { log } = this.call;
    const known = new Set(this.records.map((response) => response.id));
    for (const logged of log.find(isEvent('response.done'))) {
      const id = responseIdOf(logged.event);
      if (!id || known.has(id)) continue;
      known.add(id);
      const sameId = (via: Connection) => log.find(isEvent('response.done', via)).some((other) => responseIdOf(other.event) === id);
      const response = (logged.event.response ?? {}) as { status?: string; usage?: unknown };
      this.records.push({
        id,
        startedBy: 'other',
        seenOnDatachannel: sameId('datachannel'),
        seenOnSideband: sameId('sideband'),
        status: response.status,
        usage: response.usage,
        costUsd: response.usage && typeof response.usage === 'object' ? this.pricing.meter.priceResponse(this.pricing.model, response.usage).micro / 1_000_000 : undefined,
      });
    }
  }
}
