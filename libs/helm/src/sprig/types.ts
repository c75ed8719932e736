/** Sprig's reflection functions (reflect.go) and reflect.DeepEqual over Go values. */
import { GoComplex, typeName, type FuncMap, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { def, isGoMap, kindName } from './convert.js';

/** reflect.DeepEqual: same dynamic type and deeply equal contents (int 1 and float64 1 differ). */
export function deepEqual(a: GoValue, b: GoValue): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a))
    return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i] as GoValue));
  if (a instanceof GoComplex) return b instanceof GoComplex && a.re === b.re && a.im === b.im;
  return isGoMap(a) && isGoMap(b) && mapsEqual(a, b);
}

function mapsEqual(a: GoMap, b: GoMap): boolean {
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k] as GoValue, b[k] as GoValue));
}

export function typeFunctions(): FuncMap {
  const str = (v: GoValue): string => v as string;
  return {
    typeOf: def('typeOf', ['any'], (v) => typeName(v)),
    typeIs: def('typeIs', ['string', 'any'], (t, v) => str(t) === typeName(v)),
    // typeIsLike also accepts a pointer to the named type.
    typeIsLike: def(
      'typeIsLike',
      ['string', 'any'],
      (t, v) => str(t) === typeName(v) || str(t) === `*${typeName(v)}`,
    ),
    kindOf: def('kindOf', ['any'], (v) => kindName(v)),
    kindIs: def('kindIs', ['string', 'any'], (k, v) => str(k) === kindName(v)),
    deepEqual: def('deepEqual', ['any', 'any'], (a, b) => deepEqual(a, b)),
  };
}
