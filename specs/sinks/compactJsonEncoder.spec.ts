import { expect } from 'chai';
import { CompactJsonEncoder } from '../../lib/sinks/compactJsonEncoder';
import { Rng } from '../../lib/core/rng';
import ecommerce from '../../scenarios/ecommerce';
import trading from '../../scenarios/trading';
import { runToEnd } from '../helpers/runToEnd';

/** The encoder's text for one value written at 0. */
const encode = (encoder: CompactJsonEncoder, v: unknown): string => {
  const end = encoder.write(v, 0);
  return encoder.buffer.toString('utf8', 0, end);
};

class WithProto {
  a = 1;
}
WithProto.prototype.toString = () => 'x';

const AWKWARD: ReadonlyArray<unknown> = [
  {},
  { event_type: 'T', s: 'plain ascii' },
  { event_type: 'T', s: 'quote " backslash \\ newline \n tab \t nul \u0000 del \u007f' },
  { event_type: 'T', s: 'ünïcödé ✓ €', emoji: '😀', lone: '\ud800 and \udc00' },
  { event_type: 'T', f: 1.5e-7, big: 1e21, neg: -0, n: -12, max: Number.MAX_VALUE },
  { event_type: 'T', nan: NaN },
  { event_type: 'T', inf: -Infinity },
  { event_type: 'T', u: undefined, after: 1 },
  { event_type: 'T', fn: () => 1 },
  { event_type: 'T', sym: Symbol('s') },
  { event_type: 'T', t: true, f: false, nul: null },
  { event_type: 'T', nested: { a: [1, 'é', { b: null, c: undefined }], e: [] } },
  { event_type: 'T', d: new Date(0) },
  { event_type: 'T', custom: { toJSON: (key: string) => `key=${key}` } },
  { event_type: 'T', arr: [undefined, () => 1, NaN] },
  { event_type: 'T', 2: 'two', 1: 'one', z: 'z' },
  { event_type: 'T', [Symbol('hidden')]: 1, shown: 2 },
  Object.defineProperty({ event_type: 'T', a: 1 }, 'hidden', { value: 2, enumerable: false }),
  { event_type: 'T', toJSON: () => 'replaced' },
  new WithProto(),
  Object.assign(Object.create(null), { event_type: 'T', a: 1 }),
  [1, 'two', { three: 3 }],
  'a string',
  42,
  null,
  { event_type: { not: 'a string' }, a: 1 },
  { event_type: 'T', 'key "quoted"\n': 1, ключ: 'значение' },
];

describe('sinks/compactJsonEncoder', () => {
  it('writes exactly the UTF-8 of JSON.stringify for awkward values, first and repeated sight', () => {
    const encoder = new CompactJsonEncoder(64);
    for (let round = 0; round < 2; round++) {
      for (const v of AWKWARD) expect(encode(encoder, v), String(JSON.stringify(v))).to.equal(JSON.stringify(v));
    }
  });

  it('keeps the layouts of one type apart: same type, other keys, other order', () => {
    const encoder = new CompactJsonEncoder();
    const shapes = [
      { event_type: 'A', x: 1, y: 'a' },
      { event_type: 'A', y: 'a', x: 1 },
      { event_type: 'A', x: 1 },
      { event_type: 'A', x: 1, y: 'a', z: null },
      { event_type: 'A', x: 'now a string', y: 2 },
    ];
    for (let round = 0; round < 3; round++) for (const v of shapes) expect(encode(encoder, v)).to.equal(JSON.stringify(v));
  });

  it('stays exact past the layout limit of a type (many shapes of one event type)', () => {
    const encoder = new CompactJsonEncoder();
    for (let i = 0; i < 40; i++) {
      const v: Record<string, unknown> = { event_type: 'many' };
      for (let k = 0; k <= i % 20; k++) v[`k${k}`] = k;
      expect(encode(encoder, v)).to.equal(JSON.stringify(v));
    }
  });

  it('grows its buffer and keeps what was written before', () => {
    const encoder = new CompactJsonEncoder(64);
    const rng = new Rng(5);
    const events = Array.from({ length: 200 }, (_, i) => ({
      event_type: `T${i % 3}`,
      id: i,
      text: 'x'.repeat(Math.floor(rng.next() * 300)),
      wide: i % 7 === 0 ? '€'.repeat(50) : 'ascii',
    }));
    let end = 0;
    for (const e of events) end = encoder.byte(10, encoder.write(e, end));
    expect(encoder.buffer.toString('utf8', 0, end)).to.equal(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  });

  for (const [name, model] of [
    ['e-commerce', ecommerce],
    ['trading', trading],
  ] as const) {
    it(`matches JSON.stringify on every event of the ${name} scenario`, () => {
      const { events } = runToEnd(model, { seed: 3, startTime: '2025-01-01T00:00:00Z', duration: '3650d', settings: { totalEvents: 5_000 } });
      const encoder = new CompactJsonEncoder();
      let end = 0;
      for (const e of events) end = encoder.byte(10, encoder.write(e, end));
      expect(events.length).to.equal(5_000);
      expect(encoder.buffer.toString('utf8', 0, end)).to.equal(events.map((e) => `${JSON.stringify(e)}\n`).join(''));
    });
  }
});
