import { describe, expect, it } from 'vitest';
import { parseAddress } from './address.js';

describe('parseAddress', () => {
  it('parses Go listen addresses', () => {
    expect(parseAddress(':8080')).toEqual({ host: '0.0.0.0', port: 8080 });
    expect(parseAddress('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(() => parseAddress('localhost')).toThrow(/not a listen address/);
  });

  it('unwraps bracketed IPv6 hosts and rejects ports beyond 65535', () => {
    expect(parseAddress('[::1]:9440')).toEqual({ host: '::1', port: 9440 });
    expect(() => parseAddress(':70000')).toThrow(/port out of range/);
  });
});
