// The text of the CLI's progress line (lib/cli/progressLine.ts) as a pure function of what the run
// has done, and the events-per-second over the last few seconds, on a fake clock.

import { expect } from 'chai';
import { RATE_WINDOW_MS, RecentRate, formatProgressLine } from '../../lib/cli/progressLine';
import type { ProgressSample } from '../../lib/cli/progressLine';

const MB = 2 ** 20;
const sample = (over: Partial<ProgressSample> = {}): ProgressSample => ({
  events: 1_234_567,
  perSecond: 4_321.4,
  virtualTime: Date.UTC(2025, 0, 1, 3, 25),
  rssBytes: 96.4 * MB,
  entities: [
    ['User', 1_204],
    ['Product', 50],
  ],
  ...over,
});

describe('cli: the progress line', () => {
  describe('formatProgressLine', () => {
    it('events, events/s, virtual time, RSS and the live entities per type, in one line', () => {
      expect(formatProgressLine(sample(), 120)).to.equal('1,234,567 events · 4,321 events/s · 2025-01-01T03:25:00.000Z · rss 96 MB · User 1,204 · Product 50');
    });

    it('no rate before one can be measured; no entities for a model without entity types', () => {
      expect(formatProgressLine(sample({ perSecond: undefined, entities: [] }), 120)).to.equal('1,234,567 events · 2025-01-01T03:25:00.000Z · rss 96 MB');
    });

    it('fits in columns − 1: the entity types that do not fit are counted', () => {
      const entities = Array.from({ length: 8 }, (_, i) => [`Type${i}`, 1_000 * i] as const);
      const base = '1,234,567 events · 4,321 events/s · 2025-01-01T03:25:00.000Z · rss 96 MB';
      const lines = [60, 80, 90, 100, 200].map((columns) => [columns, formatProgressLine(sample({ entities }), columns)] as const);
      for (const [columns, line] of lines) expect(line.length, line).to.be.at.most(columns - 1);
      expect(lines[1][1]).to.equal(base); // no room even for "+8 more"
      expect(lines[2][1]).to.equal(`${base} · +8 more`);
      expect(lines[3][1]).to.equal(`${base} · Type0 0 · +7 more`);
      expect(lines[4][1]).to.match(/ · Type7 7,000$/);
    });

    it('the last entity type is shown when it fits without a "+1 more"', () => {
      const base = '1,234,567 events · 4,321 events/s · 2025-01-01T03:25:00.000Z · rss 96 MB';
      const line = formatProgressLine(sample(), base.length + ' · User 1,204 · Product 50'.length + 1);
      expect(line).to.equal(`${base} · User 1,204 · Product 50`);
      expect(formatProgressLine(sample(), line.length)).to.equal(`${base} · User 1,204 · +1 more`);
    });

    it('a terminal too narrow even for the counters: cut with an ellipsis', () => {
      const line = formatProgressLine(sample(), 40);
      expect(line).to.equal('1,234,567 events · 4,321 events/s · 20…');
      expect(line).to.have.length(39);
    });

    it('the last date JavaScript can represent (a six-digit year) and large counts', () => {
      expect(formatProgressLine(sample({ events: 2 ** 40, virtualTime: 8.64e15, rssBytes: 12_345 * MB, entities: [] }), 200)).to.equal(
        '1,099,511,627,776 events · 4,321 events/s · +275760-09-13T00:00:00.000Z · rss 12,345 MB',
      );
    });
  });

  describe('RecentRate', () => {
    it('is the rate since the start until the window is full', () => {
      const rate = new RecentRate(0, 0);
      expect(rate.perSecond()).to.equal(undefined);
      rate.add(500, 1_000);
      expect(rate.perSecond()).to.equal(2_000);
      rate.add(2_000, 3_000);
      expect(rate.perSecond()).to.equal(1_500);
    });

    it(`then the rate over the last ${RATE_WINDOW_MS / 1000} s: a run that slows down shows its current rate`, () => {
      const rate = new RecentRate(0, 0);
      // 10 000/s for a minute, sampled every 250 ms…
      let events = 0;
      let at = 0;
      for (; at < 60_000;) {
        at += 250;
        events += 2_500;
        rate.add(at, events);
      }
      expect(rate.perSecond()).to.equal(10_000);
      // …then 100/s: after a full window, only the new rate.
      for (let end = at + RATE_WINDOW_MS; at < end;) {
        at += 250;
        events += 25;
        rate.add(at, events);
      }
      expect(rate.perSecond()).to.equal(100);
      // Stalled: no events for a window, 0/s.
      for (let end = at + RATE_WINDOW_MS; at < end;) rate.add((at += 1_000), events);
      expect(rate.perSecond()).to.equal(0);
    });
  });
});
