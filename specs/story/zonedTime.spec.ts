import { expect } from 'chai';
import { badDirective, parseStoryDate, zone } from '../../lib/story/zonedTime';
import { describeInstant, FIRST_STORY_TIME, inStoryTime, LAST_STORY_TIME } from '../../lib/story/storyTime';

describe('story: zonedTime', () => {
  const ny = zone('America/New_York');
  const wall = (year: number, month: number, day: number, hour = 0, minute = 0) => ({ year, month, day, hour, minute, second: 0, ms: 0 });

  it('renders ISO-8601 with the offset in force, across the spring-forward change', () => {
    expect(ny.iso(Date.parse('2025-03-09T06:59:59.000Z'))).to.equal('2025-03-09T01:59:59.000-05:00');
    expect(ny.iso(Date.parse('2025-03-09T07:00:00.000Z'))).to.equal('2025-03-09T03:00:00.000-04:00');
    expect(zone('Asia/Kolkata').iso(Date.parse('2025-01-01T00:00:00.123Z'))).to.equal('2025-01-01T05:30:00.123+05:30');
    expect(zone('UTC').iso(0)).to.equal('1970-01-01T00:00:00.000Z');
  });

  it('finds the instant of a wall time: a skipped time moves forward by the gap, a repeated one is the earlier', () => {
    expect(ny.iso(ny.instantOf(wall(2025, 3, 9, 2, 30)))).to.equal('2025-03-09T03:30:00.000-04:00');
    const fallBack = ny.instantOf(wall(2025, 11, 2, 1, 30));
    expect(new Date(fallBack).toISOString()).to.equal('2025-11-02T05:30:00.000Z');
    expect(ny.iso(fallBack)).to.equal('2025-11-02T01:30:00.000-04:00');
  });

  it('adds calendar days keeping the wall-clock time (23 h and 25 h days at the changes)', () => {
    const before = ny.instantOf(wall(2025, 3, 8, 9));
    const after = ny.addDays(before, 1);
    expect(ny.iso(after)).to.equal('2025-03-09T09:00:00.000-04:00');
    expect(after - before).to.equal(23 * 3_600_000);
    const nov = ny.instantOf(wall(2025, 11, 1, 9));
    expect(ny.addDays(nov, 1) - nov).to.equal(25 * 3_600_000);
    expect(ny.iso(ny.addDays(nov, 7))).to.equal('2025-11-08T09:00:00.000-05:00');
  });

  it('formats with strftime directives in the zone', () => {
    const t = ny.instantOf(wall(2025, 3, 9, 15, 4));
    expect(ny.format(t, '%Y-%m-%d %H:%M:%S %Z %z')).to.equal('2025-03-09 15:04:00 EDT -0400');
    expect(ny.format(t, '%a %A %b %B %e %j %I%p %u %w %y %F %T %%')).to.equal('Sun Sunday Mar March  9 068 03PM 7 0 25 2025-03-09 15:04:00 %');
    expect(zone('UTC').format(1_500, '%s.%L %f')).to.equal('1.500 500000');
    expect(() => ny.format(t, '%Q')).to.throw(RangeError, 'unknown strftime directive "%Q"');
    expect(badDirective('%Y-%Q')).to.equal('%Q');
    expect(badDirective('%Y-%m')).to.equal(undefined);
  });

  it('parses story dates: local dates and date-times, or instants with an offset', () => {
    expect(parseStoryDate('2025-03-09', ny)).to.deep.equal({ ms: Date.parse('2025-03-09T05:00:00Z'), dateOnly: true });
    expect(parseStoryDate('2025-03-09T09:30', ny)?.ms).to.equal(Date.parse('2025-03-09T13:30:00Z'));
    expect(parseStoryDate('2025-03-09T09:30:00Z', ny)?.ms).to.equal(Date.parse('2025-03-09T09:30:00Z'));
    expect(parseStoryDate('2025-03-09T09:30:00+02:00', ny)?.ms).to.equal(Date.parse('2025-03-09T07:30:00Z'));
    expect(parseStoryDate('2025-02-30', ny)).to.equal(undefined);
    expect(parseStoryDate('tomorrow', ny)).to.equal(undefined);
  });

  it('years 0000 to 0099 are those years (not 1900 to 1999), and date arithmetic past a Date gives NaN, not an exception', () => {
    const utc = zone('UTC');
    expect(utc.iso(parseStoryDate('0000-01-01', utc)!.ms)).to.equal('0000-01-01T00:00:00.000Z');
    expect(utc.format(parseStoryDate('0050-06-01', utc)!.ms, '%a %j %F')).to.equal('Wed 152 0050-06-01');
    const early = parseStoryDate('0050-06-01T09:00', ny)!.ms;
    expect(ny.iso(early)).to.equal('0050-06-01T09:00:00.000-04:56');
    expect(ny.iso(ny.addDays(early, 1))).to.equal('0050-06-02T09:00:00.000-04:56');
    expect(ny.addDays(0, 1e9)).to.satisfy(Number.isNaN);
    expect(utc.addDays(0, 1e308)).to.satisfy(Number.isNaN);
    expect(ny.addDays(8.64e15, 1)).to.satisfy(Number.isNaN);
  });

  it('story time is the years 0000 to 9999 in the zone', () => {
    const utc = zone('UTC');
    expect(inStoryTime(utc, FIRST_STORY_TIME)).to.equal(true);
    expect(inStoryTime(utc, FIRST_STORY_TIME - 1)).to.equal(false);
    expect(inStoryTime(utc, LAST_STORY_TIME)).to.equal(true);
    expect(inStoryTime(utc, LAST_STORY_TIME + 1)).to.equal(false);
    expect(inStoryTime(ny, LAST_STORY_TIME + 3_600_000)).to.equal(true); // still 9999-12-31 in New York
    expect(inStoryTime(ny, NaN)).to.equal(false);
    expect(describeInstant(utc, NaN)).to.equal('after 9999-12-31');
    expect(describeInstant(utc, FIRST_STORY_TIME - 1)).to.equal('before 0000-01-01');
  });
});
