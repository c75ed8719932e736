/** Sprig's urlParse/urlJoin over a Go net/url-shaped split of the URL. */
import { FuncError, type FuncMap, type GoMap, type GoValue } from '@flotilla/gotemplate';
import { def, isGoMap, kindName } from './convert.js';

const URL_PARTS = /^(?:([A-Za-z][A-Za-z0-9+.-]*):)?(?:\/\/([^/?#]*))?([^?#]*)(?:\?([^#]*))?(?:#(.*))?$/;

/** The fields Sprig's urlParse reports. */
export function parseUrl(text: string): GoMap {
  const m = URL_PARTS.exec(text);
  if (!m) throw new FuncError(`unable to parse url: ${text}`);
  const authority = m[2] ?? '';
  const at = authority.lastIndexOf('@');
  const host = at >= 0 ? authority.slice(at + 1) : authority;
  const path = m[3] ?? '';
  const opaque = m[1] !== undefined && m[2] === undefined && !path.startsWith('/') ? path : '';
  return {
    scheme: m[1] ?? '',
    host,
    hostname: host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d*$/, ''),
    path: opaque ? '' : path,
    query: m[4] ?? '',
    opaque,
    fragment: m[5] ?? '',
    userinfo: at >= 0 ? authority.slice(0, at) : '',
  };
}

/** Sprig's dictGetOrEmpty: a missing key is empty, a non-string value an error. */
function dictGetOrEmpty(parts: GoMap, key: string): string {
  const value = parts[key];
  if (value === undefined) return '';
  if (typeof value !== 'string')
    throw new FuncError(`unable to parse ${key} key, must be of type string, but ${kindName(value)} found`);
  return value;
}

/** url.URL.String() for the fields urlJoin reads. */
export function joinUrl(parts: GoMap): string {
  const get = (k: string): string => dictGetOrEmpty(parts, k);
  let out = get('scheme') ? `${get('scheme')}:` : '';
  if (get('opaque')) out += get('opaque');
  else {
    if (get('host') || get('userinfo'))
      out += `//${get('userinfo') ? `${get('userinfo')}@` : ''}${get('host')}`;
    const path = get('path');
    out += get('host') && path && !path.startsWith('/') ? `/${path}` : path;
  }
  if (get('query')) out += `?${get('query')}`;
  if (get('fragment')) out += `#${get('fragment')}`;
  return out;
}

export function urlFunctions(): FuncMap {
  return {
    urlParse: def('urlParse', ['string'], (s) => parseUrl(s as string)),
    urlJoin: def('urlJoin', ['any'], (d: GoValue) => {
      if (!isGoMap(d)) throw new FuncError('urlJoin expects a dict');
      return joinUrl(d);
    }),
  };
}
