/**
 * The `Faker` class and its English locale, loaded without faker's other locales.
 *
 * `@faker-js/faker`'s main entry imports all of its locales (memory and start-up in every
 * process); deep-faker only ever speaks English, so it loads
 * `@faker-js/faker/locale/en` (English over `base`) and takes the class from that
 * instance. `EN` is that instance's merged locale (`rawDefinitions`, public API), the same data
 * as `[en, base]`, so a faker built on it draws exactly the same values.
 *
 * @example
 * const f = new Faker({ locale: EN });
 * f.seed(1);
 * f.person.fullName(); // same as new Faker({ locale: [en, base] }) seeded with 1
 */
import { faker as english } from '@faker-js/faker/locale/en';
import type { Faker as FakerClass, LocaleDefinition } from '@faker-js/faker' with { 'resolution-mode': 'import' };

/** faker's `Faker` class (the constructor of the English instance). */
export const Faker = english.constructor as typeof FakerClass;
/** faker's instance type. */
export type Faker = FakerClass;

/** English over faker's `base` locale, merged. */
export const EN: LocaleDefinition = english.rawDefinitions;
