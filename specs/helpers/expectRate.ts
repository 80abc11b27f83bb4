/**
 * The statistical bound the specs use for configured rates: an observed share within 3 standard
 * deviations of a binomial proportion (fails about once in 370 runs of a fresh seed; the specs use
 * fixed seeds, so a failure means a real change).
 *
 * @example
 * expectRate(dropped, sessions, 0.2, 'drop-off after login');
 */
import { expect } from 'chai';

/** Asserts `hits / n` is within 3σ of `p`, naming `what` and the numbers when it is not. */
export const expectRate = (hits: number, n: number, p: number, what: string): void => {
  const sigma = Math.sqrt((p * (1 - p)) / n);
  expect(Math.abs(hits / n - p), `${what}: ${hits}/${n} = ${(hits / n).toFixed(4)} vs ${p} (3σ = ${(3 * sigma).toFixed(4)})`).to.be.at.most(3 * sigma);
};
