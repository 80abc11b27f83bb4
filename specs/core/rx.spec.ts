import { expect } from 'chai';
import * as rxjs from 'rxjs';
import * as rx from '../../lib/core/rx';

describe('core/rx', () => {
  it('re-exports the very values rxjs exports (same classes and functions, so instanceof holds)', () => {
    const names = Object.keys(rx).sort();
    expect(names).to.deep.equal(['Observable', 'ReplaySubject', 'Subject', 'Subscription', 'defer', 'identity', 'isObservable', 'map', 'takeUntil', 'tap']);
    for (const name of names) {
      expect((rx as Record<string, unknown>)[name], name).to.equal((rxjs as Record<string, unknown>)[name]);
    }
    expect(new rx.Subject()).to.be.instanceOf(rxjs.Observable);
  });
});
