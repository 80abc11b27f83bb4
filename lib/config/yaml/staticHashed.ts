/**
 * The YAML model format's `static_hashed` generator: a hash of a generated raw value. `sha256`, `sha512`,
 * `sha1` and `md5` give lowercase hex; `bcrypt` gives a `$2b$` hash whose salt is drawn from the
 * session's random source (so runs stay reproducible) at the given cost (default 4, the lowest: bcrypt is
 * deliberately slow, and each step of cost doubles the time of a hash).
 *
 * @example
 * const hash = staticHashed('sha256', 4);
 * hash('secret', g); // '2bb80d537b1da3e38bd30361aa855686bde0eacd7162fef6a25fe97bf527a25b'
 */
import { createHash } from 'node:crypto';
import bcrypt from 'bcryptjs';
import type { GenContext } from '../../schema/generator';

/** A hashing function of (raw value, generator context). */
export type Hasher = (raw: string, g: GenContext) => string;

/** The hasher of an algorithm; `rounds` is bcrypt's cost. */
export const staticHashed = (algorithm: 'bcrypt' | 'sha256' | 'sha512' | 'sha1' | 'md5', rounds: number): Hasher => {
  if (algorithm !== 'bcrypt') return (raw) => createHash(algorithm).update(raw).digest('hex');
  const cost = String(rounds).padStart(2, '0');
  return (raw, g) => {
    const bytes = new Array<number>(16);
    for (let i = 0; i < 16; i++) bytes[i] = (g.rng.next() * 256) | 0;
    return bcrypt.hashSync(raw, `$2b$${cost}$${bcrypt.encodeBase64(bytes, 16)}`);
  };
};
