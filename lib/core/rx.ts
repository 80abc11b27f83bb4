/**
 * The RxJS values the library uses, each required from its own module under `rxjs/internal/`
 * instead of from `rxjs`, whose CommonJS entry loads every operator RxJS has: this keeps the
 * CLI's start-up and a consumer's `require('deep-faker')` short. They are the very objects
 * `rxjs` exports (same files, so `instanceof Observable` holds across them; rx.spec.ts checks
 * it); `rxjs/internal/*` is in RxJS 7's package exports. Types still come from `rxjs`.
 */
export { Observable } from 'rxjs/internal/Observable';
export { Subject } from 'rxjs/internal/Subject';
export { ReplaySubject } from 'rxjs/internal/ReplaySubject';
export { Subscription } from 'rxjs/internal/Subscription';
export { defer } from 'rxjs/internal/observable/defer';
export { map } from 'rxjs/internal/operators/map';
export { tap } from 'rxjs/internal/operators/tap';
export { takeUntil } from 'rxjs/internal/operators/takeUntil';
export { identity } from 'rxjs/internal/util/identity';
export { isObservable } from 'rxjs/internal/util/isObservable';
