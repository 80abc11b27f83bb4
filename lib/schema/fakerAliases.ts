/**
 * Everyday Python-Faker hint names that delegate to a faker-js method.
 *
 * These run less often than the names, numbers and ids drawn straight from `g.rng`
 * (`nameGenerators`, `numberGenerators`, `identifierGenerators`), so they call faker on `g.faker`
 * (whose randomness is the session's `Rng`) rather than re-implementing its formats.
 * They take no parameters; use the faker-js path (`location.zipCode`, with `args` or options) for
 * anything finer.
 *
 * @example
 * compileGenerator('phone_number', {}, site)(g); // e.g. '960-784-1068 x318'
 */
import { EN, Faker } from './englishFaker';
import type { BuiltinGenerator, Yields } from './generatorParams';

/** A parameterless hint calling faker. */
const via = (call: (f: Faker) => unknown, yields: Yields = 'string'): BuiltinGenerator => ({
  make: () => ({ yields, generate: (g) => call(g.faker) }),
});

/**
 * A hint whose values are expensive to make (faker's pattern machinery): values are drawn from a
 * pool of `size` slots with the session's `Rng`; slot `i` is made on first use by a private faker
 * seeded with `i`, so every slot's value is the same on every run, the pool consumes none of the
 * session's randomness, and only the slots actually drawn are ever made.
 */
const pooled = (call: (f: Faker) => string, size = 1024): BuiltinGenerator => {
  const pool: Array<string | undefined> = new Array<string | undefined>(size);
  let maker: Faker | undefined;
  return {
    make: () => ({
      yields: 'string',
      generate: (g) => {
        const i = Math.floor(g.rng.next() * size);
        let v = pool[i];
        if (v === undefined) {
          maker ??= new Faker({ locale: EN });
          maker.seed(20_250_101 + i);
          maker.setDefaultRefDate(0);
          v = pool[i] = call(maker);
        }
        return v;
      },
    }),
  };
};

interface CountryCode {
  readonly alpha2: string;
}

/**
 * Python-Faker hint names backed by faker-js methods.
 *
 * @example
 * Object.keys(fakerAliases).includes('user_agent'); // true
 */
export const fakerAliases: Readonly<Record<string, BuiltinGenerator>> = {
  // people and companies
  name_female: via((f) => f.person.fullName({ sex: 'female' })),
  name_male: via((f) => f.person.fullName({ sex: 'male' })),
  first_name_female: via((f) => f.person.firstName('female')),
  first_name_male: via((f) => f.person.firstName('male')),
  last_name_female: via((f) => f.person.lastName('female')),
  last_name_male: via((f) => f.person.lastName('male')),
  prefix: via((f) => f.person.prefix()),
  suffix: via((f) => f.person.suffix()),
  job: via((f) => f.person.jobTitle()),
  company: via((f) => f.company.name()),
  catch_phrase: via((f) => f.company.catchPhrase()),
  bs: via((f) => f.company.buzzPhrase()),
  phone_number: via((f) => f.phone.number()),
  msisdn: via((f) => f.phone.number({ style: 'international' }).replace(/\D/g, '')),
  // places
  address: via((f) => `${f.location.streetAddress()}, ${f.location.city()}, ${f.location.state({ abbreviated: true })} ${f.location.zipCode()}`),
  street_address: via((f) => f.location.streetAddress()),
  street_name: via((f) => f.location.street()),
  building_number: via((f) => f.location.buildingNumber()),
  secondary_address: via((f) => f.location.secondaryAddress()),
  state: via((f) => f.location.state()),
  state_abbr: via((f) => f.location.state({ abbreviated: true })),
  country: via((f) => f.location.country()),
  country_code: via((f) => {
    const codes = f.definitions.location.country_code as ReadonlyArray<CountryCode>;
    return codes[Math.floor(f.number.float() * codes.length)].alpha2;
  }),
  postcode: via((f) => f.location.zipCode()),
  zipcode: via((f) => f.location.zipCode()),
  timezone: via((f) => f.location.timeZone()),
  // internet
  user_agent: pooled((f) => f.internet.userAgent()),
  url: via((f) => f.internet.url()),
  domain_name: via((f) => f.internet.domainName()),
  domain_word: via((f) => f.internet.domainWord()),
  safe_email: via((f) => f.internet.exampleEmail()),
  mac_address: via((f) => f.internet.mac()),
  port_number: via((f) => f.internet.port(), 'int'),
  http_method: via((f) => f.internet.httpMethod()),
  emoji: via((f) => f.internet.emoji()),
  slug: via((f) => f.lorem.slug()),
  file_name: via((f) => f.system.fileName()),
  file_extension: via((f) => f.system.fileExt()),
  mime_type: via((f) => f.system.mimeType()),
  // money
  currency_code: via((f) => f.finance.currencyCode()),
  currency_name: via((f) => f.finance.currencyName()),
  iban: via((f) => f.finance.iban()),
  swift: via((f) => f.finance.bic()),
  credit_card_number: via((f) => f.finance.creditCardNumber().replace(/\D/g, '')),
  credit_card_provider: via((f) => f.finance.creditCardIssuer()),
  credit_card_security_code: via((f) => f.finance.creditCardCVV()),
  // things
  color_name: via((f) => f.color.human()),
  hex_color: via((f) => f.color.rgb()),
  license_plate: via((f) => f.vehicle.vrm()),
  isbn13: via((f) => f.commerce.isbn(13)),
  isbn10: via((f) => f.commerce.isbn(10)),
  department: via((f) => f.commerce.department()),
};
