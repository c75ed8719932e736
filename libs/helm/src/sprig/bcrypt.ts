/** Sprig's bcrypt and htpasswd (x/crypto/bcrypt at DefaultCost 10, "$2a$" hashes). */
import bcryptjs from 'bcryptjs';
import { type FuncMap, type GoValue } from '@flotilla/gotemplate';
import { def } from './convert.js';

const DEFAULT_COST = 10;
const utf8 = new TextEncoder();

/** Sprig's bcrypt: failures are returned as text, as Sprig does. */
export function bcrypt(input: string): string {
  if (utf8.encode(input).length > 72)
    return 'failed to encrypt string with bcrypt: bcrypt: password length exceeds 72 bytes';
  // bcryptjs writes the "2b" revision; for passwords of at most 72 bytes it is the same hash as
  // Go's "2a".
  return bcryptjs.hashSync(input, DEFAULT_COST).replace(/^\$2b\$/, '$2a$');
}

export function htpasswd(username: string, password: string): string {
  if (username.includes(':')) return `invalid username: ${username}`;
  return `${username}:${bcrypt(password)}`;
}

export function bcryptFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  return {
    bcrypt: def('bcrypt', ['string'], (s) => bcrypt(str(s))),
    htpasswd: def('htpasswd', ['string', 'string'], (u, p) => htpasswd(str(u), str(p))),
  };
}
