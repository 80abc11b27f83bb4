// The `shard` option of a story's stream (lib/config/story/streamStory.ts, what `deep-faker run
// --shard` / `--workers` use): a story is one organisation's timeline, so shard i of N plays it
// as the organisation `<org_id>-<i>`, from the shard's seed, with its share of totalEvents.

import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { runStory } from '../../../lib/config/story/runStory';
import { streamStory } from '../../../lib/config/story/streamStory';
import type { Shard } from '../../../lib/engine/shard';
import { toSink } from '../../../lib/sinks/sink';
import type { StoryEvent } from '../../../lib/story/storyEvent';

const STORY = 'scenarios/saas.story.yaml';

const play = (shard?: Shard, totalEvents?: number): Promise<StoryEvent[]> =>
  lastValueFrom(streamStory(STORY, { seed: 3, debug: false, shard, totalEvents }).pipe(toArray()));

/** The event without what makes each run's events unique (ids), to compare timelines. */
const timeline = (e: StoryEvent) => [e.event_type, e.timestamp];

describe('streamStory: shards', () => {
  it('shard 0/1 is the story itself', async () => {
    expect(await play({ index: 0, count: 1 })).to.deep.equal(await play());
  });

  it('shard i of N: the same timeline for organisation <org_id>-<i>, with data of its own seed', async () => {
    const whole = await play();
    const shards = [await play({ index: 0, count: 2 }), await play({ index: 1, count: 2 })];
    const org = whole[0].org_id;
    for (const [i, events] of shards.entries()) {
      expect(new Set(events.map((e) => e.org_id))).to.deep.equal(new Set([`${org}-${i}`]));
      expect(events.map(timeline)).to.deep.equal(whole.map(timeline));
    }
    const ids = [whole, ...shards].flat().map((e) => e.event_id);
    expect(new Set(ids).size).to.equal(ids.length);
    expect(JSON.stringify(shards[0].map((e) => e.data))).not.to.equal(JSON.stringify(shards[1].map((e) => e.data)));
    expect(await play({ index: 1, count: 2 }), 'the same shard again').to.deep.equal(shards[1]);
  });

  it('totalEvents is shared: each shard plays its part of it', async () => {
    const parts = await Promise.all([0, 1, 2].map((index) => play({ index, count: 3 }, 10)));
    expect(parts.map((p) => p.length)).to.deep.equal([4, 3, 3]);
  });

  it("runStory: the summary names the story's seed (what reproduces the shard, with it), and the shard's organisation is in the events", async () => {
    const got: StoryEvent[] = [];
    const keep = toSink(
      () => ({ name: 'keep', open: async () => undefined, write: async (b) => void got.push(...(b as StoryEvent[])), close: async () => undefined }),
      {
        name: 'keep',
      },
    );
    const summary = await runStory(STORY, { seed: 3, debug: false, shard: { index: 1, count: 2 }, outputs: [keep] });
    expect(summary.seed).to.equal(3);
    expect(summary.events).to.equal(got.length);
    expect(got.map((e) => e.event_id)).to.deep.equal((await play({ index: 1, count: 2 })).map((e) => e.event_id));
  });
});
