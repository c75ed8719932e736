/** Go's time.Time as a template value: a struct whose instant is kept beside it (milliseconds, zone). */
import { GoStruct, type GoFunc, type GoValue } from '@flotilla/gotemplate';

interface Instant {
  millis: number;
  /** IANA zone, or undefined for the process's local zone (Go's time.Local). */
  zone: string | undefined;
}

const instants = new WeakMap<GoStruct, Instant>();

/** The instant of a time.Time value, or undefined when `v` is not one. */
export function timeMillis(v: GoValue): number | undefined {
  return v instanceof GoStruct ? instants.get(v)?.millis : undefined;
}

export function timeZoneOf(v: GoValue): string | undefined {
  return v instanceof GoStruct ? instants.get(v)?.zone : undefined;
}

/** Builds a time.Time value; `methods` come from the caller (they need formatting helpers). */
export function makeTime(
  millis: number,
  zone: string | undefined,
  methods: (t: GoStruct) => Record<string, GoFunc>,
): GoStruct {
  const methodTable: Record<string, GoFunc> = {};
  const t = new GoStruct('time.Time', {}, methodTable);
  instants.set(t, { millis, zone });
  Object.assign(methodTable, methods(t));
  return t;
}
