import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  SESSION_CLIENT_MESSAGE_TYPES,
  SESSION_CLOSE_CODES,
  SESSION_END_REASONS,
  SESSION_ERROR_CODES,
  SESSION_ERROR_RETRY,
  SESSION_SERVER_MESSAGE_TYPES,
  SESSION_WIRE_LIMITS,
} from '../../src/common/session-wire';

// docs/protocol.md's Reference must say exactly what src/common/session-wire.ts declares.

const doc = readFileSync(join(__dirname, '..', '..', 'docs', 'protocol.md'), 'utf8');

/** The body rows of the first table under `### <heading>` in the Reference, as cells without backticks. */
function table(heading: string): string[][] {
  const reference = doc.split(/^## Reference$/m)[1] ?? '';
  const section = reference.split(new RegExp(`^### ${heading}$`, 'm'))[1]?.split(/^#{2,3} /m)[0] ?? '';
  const lines = section.split('\n').filter((line) => line.startsWith('|'));
  return lines.slice(2).map((line) =>
    line
      .slice(1, -1)
      .split(' | ')
      .map((cell) => cell.trim().replace(/`/g, '')),
  );
}

const column = (rows: string[][], index: number) => rows.map((row) => row[index]);

describe('docs/protocol.md against src/common/session-wire.ts', () => {
  it('lists every message type once, each in its direction', () => {
    const rows = table('Messages');
    expect(rows.filter((row) => row[1] === 'browser → server').map((row) => row[0])).toEqual([...SESSION_CLIENT_MESSAGE_TYPES]);
    expect(rows.filter((row) => row[1] === 'server → browser').map((row) => row[0])).toEqual([...SESSION_SERVER_MESSAGE_TYPES]);
    expect(rows).toHaveLength(SESSION_CLIENT_MESSAGE_TYPES.length + SESSION_SERVER_MESSAGE_TYPES.length);
  });

  it('lists every close code with its number and name', () => {
    const rows = table('Close codes');
    expect(Object.fromEntries(rows.map((row) => [row[1], Number(row[0])]))).toEqual(SESSION_CLOSE_CODES);
    expect(rows).toHaveLength(Object.keys(SESSION_CLOSE_CODES).length);
  });

  it('lists every end reason', () => {
    expect(column(table('End reasons'), 0)).toEqual([...SESSION_END_REASONS]);
  });

  it('lists every error code with whether it carries retryAfterSec', () => {
    const rows = table('Error codes');
    expect(column(rows, 0)).toEqual([...SESSION_ERROR_CODES]);
    expect(Object.fromEntries(rows.map((row) => [row[0], row[1]]))).toEqual(SESSION_ERROR_RETRY);
  });

  it('gives every limit its value', () => {
    const rows = table('Limits');
    expect(Object.fromEntries(rows.map((row) => [row[0], Number(row[1])]))).toEqual(SESSION_WIRE_LIMITS);
  });

  it('explains every row', () => {
    for (const heading of ['Messages', 'Close codes', 'End reasons', 'Error codes', 'Limits']) {
      for (const row of table(heading)) expect({ heading, row: row[0], explained: (row.at(-1) ?? '').length > 0 }).toEqual({ heading, row: row[0], explained: true });
    }
  });
});
