import { parseInboundMessage } from '../../src/realtime/protocol/inbound-message.parser';
import { TEST_OFFER } from '../../test/realtime/support/browser-socket';
import { BenchRow, micros, timeAsync } from '../measure';

// Input validation of /session messages, the first thing done with every browser frame: JSON
// parse, shape and field checks, the class-validator DTO. A realistic offer (a browser's is a few
// KB: candidates and codecs) and a hostile message that fails.

const OFFER = `${TEST_OFFER}${Array.from({ length: 40 }, (_, i) => `a=candidate:${i} 1 udp 2122260223 192.168.1.${i} 5${i}000 typ host generation 0\r\n`).join('')}`;
const START = JSON.stringify({ type: 'session.start', sdp: OFFER, voice: 'cedar' });
const HOSTILE = JSON.stringify({ type: 'session.start', sdp: `${OFFER}a=\u0000\r\n`, voice: '../../etc/passwd' });

export async function validationSection(): Promise<BenchRow[]> {
  const valid = await timeAsync(async () => parseInboundMessage(START, false), 100_000, 10_000);
  const invalid = await timeAsync(async () => parseInboundMessage(HOSTILE, false), 100_000, 10_000);
  return [
    {
      name: `/session message validation, session.start with a ${(OFFER.length / 1024).toFixed(1)} KB offer p50 / p99`,
      value: `${micros(valid.p50)} / ${micros(valid.p99)}`,
      target: 'p99 < 100 µs',
      pass: valid.p99 < 100,
      key: 'validation.message.p99',
      raw: valid.p99,
    },
    {
      name: '/session message validation, a hostile session.start refused p50 / p99',
      value: `${micros(invalid.p50)} / ${micros(invalid.p99)}`,
      target: 'p99 < 100 µs',
      pass: invalid.p99 < 100,
    },
  ];
}
