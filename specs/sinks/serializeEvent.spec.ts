import { expect } from 'chai';
import { EVENT_META, type SimEvent } from '../../lib/core/simEvent';
import { BatchEncoder, serializeBatch } from '../../lib/sinks/serializeEvent';

const ev = (i: number, extra: Record<string, unknown> = {}): SimEvent =>
  ({
    event_id: `id-${i}`,
    event_type: 'T',
    timestamp: '2025-01-01T00:00:00.000Z',
    session_id: 's',
    flow: 'f',
    n: i,
    ...extra,
    [EVENT_META]: { time: i, key: undefined },
  }) as SimEvent;

const TRICKY: ReadonlyArray<Record<string, unknown>> = [
  { s: 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f' },
  { s: 'ünïcödé ✓ €', emoji: '😀', lone: '\ud800 and \udc00' },
  { f: 1.5e-7, big: 1e21, neg: -0, nan: NaN, inf: Infinity, nul: null, u: undefined, t: true },
  { nested: { a: [1, 'é', { b: null, c: undefined }] }, d: new Date(0) },
];

describe('sinks/serializeEvent: BatchEncoder', () => {
  it('gives exactly the UTF-8 bytes of serializeBatch, for both formats and awkward values', () => {
    const batch = Array.from({ length: 40 }, (_, i) => ev(i, TRICKY[i % TRICKY.length]));
    for (const format of ['json', 'json_pretty'] as const) {
      const bytes = new BatchEncoder(format).encode(batch);
      expect(bytes.toString('utf8')).to.equal(serializeBatch(batch, format));
      expect(bytes.equals(Buffer.from(serializeBatch(batch, format), 'utf8'))).to.equal(true);
    }
  });

  it('grows past its first buffer, and reuses it: each batch is what serializeBatch says', () => {
    const encoder = new BatchEncoder('json', 256);
    const big = Array.from({ length: 300 }, (_, i) => ev(i, { pad: 'x'.repeat(i % 50), s: i % 7 === 0 ? '€'.repeat(100) : 'a' }));
    expect(encoder.encode(big).toString('utf8')).to.equal(serializeBatch(big, 'json'));
    const small = [ev(1), ev(2)];
    expect(encoder.encode(small).toString('utf8')).to.equal(serializeBatch(small, 'json'));
    expect(encoder.encode([]).length).to.equal(0);
  });

  it('leaves out the symbol-keyed metadata', () => {
    const text = new BatchEncoder('json').encode([ev(1)]).toString('utf8');
    expect(JSON.parse(text)).to.deep.equal({ event_id: 'id-1', event_type: 'T', timestamp: '2025-01-01T00:00:00.000Z', session_id: 's', flow: 'f', n: 1 });
  });
});
