// RFC 6901 JSON pointers: `/spec/containers/0/image`, `~1` for `/` and `~0` for `~` in keys.

import { PatchError } from './errors.js';

export function parseJsonPointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) {
    throw new PatchError(
      'INVALID_POINTER',
      `JSON pointer must be empty or start with '/': ${pointer}`,
      pointer,
    );
  }
  return pointer
    .slice(1)
    .split('/')
    .map((token) => {
      if (/~[^01]|~$/.test(token)) {
        throw new PatchError('INVALID_POINTER', `invalid '~' escape in JSON pointer ${pointer}`, pointer);
      }
      return token.replace(/~1/g, '/').replace(/~0/g, '~');
    });
}

export function formatJsonPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((token) => `/${String(token).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('');
}

/**
 * An array index token: decimal without leading zeros. `-` (one past the end) only when
 * `allowEnd`; the result is then the array length.
 */
export function arrayIndex(
  token: string,
  length: number,
  options: { pointer: string; allowEnd: boolean },
): number {
  if (token === '-' && options.allowEnd) return length;
  if (!/^(0|[1-9][0-9]*)$/.test(token)) {
    throw new PatchError(
      'INVALID_POINTER',
      `invalid array index '${token}' in ${options.pointer}`,
      options.pointer,
    );
  }
  const index = Number(token);
  const limit = options.allowEnd ? length : length - 1;
  if (index > limit) {
    throw new PatchError(
      'PATH_NOT_FOUND',
      `array index ${index} out of bounds (length ${length}) in ${options.pointer}`,
      options.pointer,
    );
  }
  return index;
}
