/**
 * One faker instance whose randomness comes from whichever `Rng` is in use.
 *
 * faker draws every random choice from its randomizer. Building a `Faker` is costly, so the engine
 * keeps one and points it at the current session's `Rng` before generating a payload (generation
 * is synchronous, so this is safe). Same seed, same session ⇒ same faker output.
 *
 * @example
 * const sf = new SeededFaker();
 * sf.use(Rng.derive(1, 'x'), Date.parse('2025-01-01')).person.fullName(); // deterministic
 */
import type { Randomizer } from '@faker-js/faker' with { 'resolution-mode': 'import' };
import { EN, Faker } from './englishFaker';
import { Rng } from '../core/rng';

/** A faker instance bound to a switchable `Rng`. */
export class SeededFaker {
  /** The faker instance; its randomness is the current `Rng`. */
  readonly faker: Faker;
  private rng: Rng = new Rng(0);
  private now = 0;

  constructor() {
    const randomizer: Randomizer = {
      next: () => this.rng.next53(),
      seed: (seed: number | number[]) => {
        this.rng = new Rng(Array.isArray(seed) ? seed.reduce((a, b) => (a * 31 + b) >>> 0, 0) : seed);
      },
    };
    this.faker = new Faker({ locale: EN, randomizer });
    // faker's date methods default to the wall clock: make them relative to simulation time.
    this.faker.setDefaultRefDate(() => new Date(this.now));
  }

  /** Points faker at `rng` (and its dates at virtual time `now`, epoch ms) and returns it. */
  use(rng: Rng, now = this.now): Faker {
    this.rng = rng;
    this.now = now;
    return this.faker;
  }
}
