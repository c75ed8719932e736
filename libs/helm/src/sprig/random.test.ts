import { describe, expect, it } from 'vitest';
import { Template } from '@flotilla/gotemplate';
import bcryptjs from 'bcryptjs';
import { sprigFunctions } from './index.js';

const render = (t: string): string => Template.parse('t', t, { funcs: sprigFunctions() }).execute({});

describe('random functions', () => {
  it('produce strings of the requested shape', () => {
    expect(render('{{ randAlphaNum 32 }}')).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(render('{{ randAlpha 10 }}')).toMatch(/^[A-Za-z]{10}$/);
    expect(render('{{ randNumeric 10 }}')).toMatch(/^\d{10}$/);
    expect(render('{{ randAscii 20 }}')).toMatch(/^[\x20-\x7e]{20}$/);
    expect(Buffer.from(render('{{ randBytes 12 }}'), 'base64')).toHaveLength(12);
    expect(render('{{ uuidv4 }}')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
    expect(render('{{ randAlphaNum -1 }}')).toBe('');
  });

  it('randInt stays in [min, max) and shuffle permutes', () => {
    for (let i = 0; i < 20; i++) {
      const n = Number(render('{{ randInt 5 8 }}'));
      expect(n).toBeGreaterThanOrEqual(5);
      expect(n).toBeLessThan(8);
    }
    expect(() => render('{{ randInt 3 3 }}')).toThrow('invalid argument to Intn');
    expect([...render('{{ shuffle "abcdef" }}')].sort().join('')).toBe('abcdef');
  });

  it('refuses counts that would exhaust memory', () => {
    expect(() => render('{{ randAlphaNum 1000000000 }}')).toThrow('exceeds the limit');
  });

  it('bcrypt and htpasswd produce verifiable $2a$ hashes', () => {
    const hash = render('{{ bcrypt "secret" }}');
    expect(hash).toMatch(/^\$2a\$10\$/);
    expect(bcryptjs.compareSync('secret', hash)).toBe(true);
    const line = render('{{ htpasswd "user" "pw" }}');
    expect(line.startsWith('user:$2a$10$')).toBe(true);
    expect(bcryptjs.compareSync('pw', line.slice('user:'.length))).toBe(true);
    expect(render('{{ htpasswd "a:b" "pw" }}')).toBe('invalid username: a:b');
  });
});
