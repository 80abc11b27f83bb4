import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { firstValueFrom, from, toArray } from 'rxjs';
import { canonicalJson } from '../../lib/delivery/canonicalJson';
import { checksumOf, payloadOf, withChecksum } from '../../lib/delivery/withChecksum';
import { withIngestTime } from '../../lib/delivery/withIngestTime';
import { schemaVersions } from '../../lib/delivery/schemaVersions';
import { ev, synthetic } from './syntheticEvents';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');

describe('delivery: canonicalJson', () => {
  it('sorts keys recursively, no whitespace, numbers as JavaScript prints them', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 'x', { z: 0, y: 1.5 }], c: null } })).to.equal('{"a":{"c":null,"d":[1,"x",{"y":1.5,"z":0}]},"b":1}');
    expect(canonicalJson({ n: 1.0, big: 1e21, small: 1e-7, neg: -0.5 })).to.equal('{"big":1e+21,"n":1,"neg":-0.5,"small":1e-7}');
  });

  it('sorts integer-like keys as strings (not in JavaScript object order)', () => {
    expect(canonicalJson({ b: 1, 10: 2, 2: 3 })).to.equal('{"10":2,"2":3,"b":1}');
  });

  it('reads values as JSON does: undefined left out (null in arrays), NaN → null, toJSON, unicode as is', () => {
    expect(canonicalJson({ a: undefined, b: [undefined, NaN, Infinity], d: new Date(0), s: 'é"\n' })).to.equal(
      '{"b":[null,null,null],"d":"1970-01-01T00:00:00.000Z","s":"é\\"\\n"}',
    );
    expect(() => canonicalJson(undefined)).to.throw(TypeError);
    expect(() => canonicalJson({ n: BigInt(1) })).to.throw(TypeError);
  });

  it('is stable under re-parsing: canonicalJson(JSON.parse(canonicalJson(x))) = canonicalJson(x)', () => {
    for (const e of synthetic(200, 2)) {
      const text = canonicalJson(e);
      expect(canonicalJson(JSON.parse(text))).to.equal(text);
    }
  });
});

describe('delivery: withChecksum', () => {
  it('checksumOf is SHA-256 hex of the canonical JSON', () => {
    expect(checksumOf({ a: 1 })).to.equal('015abd7f5cc57a2dd94b7590f04ad8084273905ee33ec5cebeae62276a97f862');
    expect(checksumOf({ b: [1, 2], a: 'x' })).to.equal(sha256('{"a":"x","b":[1,2]}'));
    expect(checksumOf({ a: 1 }, 'md5')).to.equal(createHash('md5').update('{"a":1}').digest('hex'));
  });

  it('payload of a flat event: every field but the system fields, ingest_time, schema_version and the checksum', () => {
    const e = { ...ev('a', 0, { user_id: 'u', amount: 2.5 }), ingest_time: 'x', schema_version: 2, checksum: 'old' };
    expect(payloadOf(e)).to.deep.equal({ user_id: 'u', amount: 2.5 });
    expect(payloadOf({ ...e, payload: { order_id: 'o1' } })).to.deep.equal({ order_id: 'o1' });
  });

  it('is recomputable from the serialized output, survives ingest time and versions, and is added last', async () => {
    const out = await firstValueFrom(
      from(synthetic(2000, 4)).pipe(
        schemaVersions({ seed: 1, versions: [{ version: 2, rate: 0.5, transform: (x) => ({ ...x, promo: 'P' }) }] }),
        withChecksum(),
        withIngestTime({ seed: 2, lateRate: 0.1 }),
        toArray(),
      ),
    );
    const checksums = new Set<string>();
    for (const e of out) {
      const line = JSON.stringify(e);
      const parsed = JSON.parse(line) as Record<string, unknown>;
      expect(Object.keys(parsed).at(-1)).to.equal('checksum');
      expect(parsed.checksum).to.match(/^[0-9a-f]{64}$/);
      expect(checksumOf(payloadOf(parsed))).to.equal(parsed.checksum);
      checksums.add(parsed.checksum as string);
    }
    expect(checksums.size).to.equal(out.length);
  });

  it('changes when the payload changes; nested payload objects are hashed as such', async () => {
    const [a, b, c] = await firstValueFrom(
      from([ev('a', 0, { n: 1 }), ev('b', 5, { n: 2 }), ev('c', 0, { payload: { z: 1, a: [true] } })]).pipe(withChecksum({ field: 'sum' }), toArray()),
    );
    expect(a.sum).to.equal(sha256('{"n":1}'));
    expect(b.sum).to.equal(sha256('{"n":2}'));
    expect(c.sum).to.equal(sha256('{"a":[true],"z":1}'));
  });

  it('rejects an unknown algorithm when the pipeline is built', () => {
    expect(() => withChecksum({ algorithm: 'no-such-hash' })).to.throw();
  });
});
