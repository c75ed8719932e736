/**
 * How go-yaml (v2 and v3) decides a string's scalar style: a string that would read back as
 * another type (bool, null, number, timestamp) must be quoted; libyaml's scalar analysis then
 * decides whether plain, single-quoted or literal style can hold the text.
 */

const V2_RESOLVE_MAP = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON',
  'n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF',
  '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF',
]); // prettier-ignore

const V3_RESOLVE_MAP = new Set([
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '', '~', 'null', 'Null', 'NULL',
  '.nan', '.NaN', '.NAN', '.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF', '-.inf', '-.Inf', '-.INF', '<<',
]); // prettier-ignore

/** YAML 1.1 booleans that v3 still quotes for the sake of older readers (isOldBool). */
const OLD_BOOLS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF',
]); // prettier-ignore

const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const BASE60_FLOAT = /^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$/;
const INT64_MAX = (1n << 63n) - 1n;
const UINT64_MAX = (1n << 64n) - 1n;

/** strconv.ParseInt(s, 0, 64) or ParseUint(s, 0, 64) succeeds. */
function parsesAsGoInt(s: string): boolean {
  const m = /^([+-]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return false;
  const sign = m[1] as string;
  let body = m[2] as string;
  if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`;
  const n = BigInt(body);
  if (sign === '-') return n <= INT64_MAX + 1n;
  return sign === '+' ? n <= INT64_MAX : n <= UINT64_MAX;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

/** go-yaml's parseTimestamp: the layouts 2006-1-2[(T|t| )15:4:5.999999999[Z07:00]]. */
function isTimestamp(s: string): boolean {
  const m =
    /^(\d{4})-(\d{1,2})-(\d{1,2})(?:(?:[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2}))|(?: (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.\d+)?))?$/.exec(
      s,
    );
  if (!m) return false;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return false;
  const leap = year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0);
  const maxDay = month === 2 && !leap ? 28 : (DAYS_IN_MONTH[month - 1] as number);
  if (day > maxDay) return false;
  const [h, mi, sec] = [m[4] ?? m[7], m[5] ?? m[8], m[6] ?? m[9]].map((x) => Number(x ?? 0));
  return (h as number) < 24 && (mi as number) < 60 && (sec as number) < 60;
}

/** Whether go-yaml's resolve() would read the plain text `s` as something other than a string. */
export function resolvesToNonString(s: string, v3: boolean): boolean {
  const first = s.charAt(0);
  const hint = s === '' ? 'N' : resolveHint(first);
  if (hint === '') return false;
  if ((v3 ? V3_RESOLVE_MAP : V2_RESOLVE_MAP).has(s)) return true;
  if (hint === 'D' || hint === 'S') {
    if (hint === 'D' && isTimestamp(s)) return true;
    const plain = s.replaceAll('_', '');
    if (parsesAsGoInt(plain)) return true;
    if (YAML_STYLE_FLOAT.test(plain)) return true;
    return /^-?0b[01]+$/.test(plain);
  }
  if (hint === '.') return YAML_STYLE_FLOAT.test(s.replaceAll('_', ''));
  return false;
}

function resolveHint(c: string): string {
  if (c === '+' || c === '-') return 'S';
  if (c >= '0' && c <= '9') return 'D';
  if ('yYnNtTfFoO~'.includes(c)) return 'M';
  if (c === '.') return '.';
  // v3 also looks up "<<" (hint 'M' for '<'); v2 treats it as a string.
  if (c === '<') return 'M';
  return '';
}

/** Whether go-yaml may emit `s` as a plain scalar (stringv's canUsePlain). */
export function canUsePlain(s: string, v3: boolean): boolean {
  if (resolvesToNonString(s, v3)) return false;
  if (BASE60_FLOAT.test(s)) return false;
  return !(v3 && OLD_BOOLS.has(s));
}

export interface ScalarAnalysis {
  multiline: boolean;
  blockPlainAllowed: boolean;
  singleQuotedAllowed: boolean;
  blockAllowed: boolean;
}

/** libyaml's is_printable (v2 rejects characters outside the BMP; v3 accepts them). */
export function isPrintable(cp: number, v3: boolean): boolean {
  if (cp === 0x0a || (cp >= 0x20 && cp <= 0x7e)) return true;
  if (cp >= 0xa0 && cp <= 0xd7ff) return true;
  if (cp >= 0xe000 && cp <= 0xfffd) return cp !== 0xfeff;
  return v3 && cp >= 0x10000 && cp <= 0x10ffff;
}

export function isBreak(cp: number): boolean {
  return cp === 0x0a || cp === 0x0d || cp === 0x85 || cp === 0x2028 || cp === 0x2029;
}

function isBlankOrEnd(cp: number | undefined): boolean {
  return cp === undefined || cp === 0x20 || cp === 0x09 || isBreak(cp);
}

const FIRST_INDICATORS = new Set('#,[]{}&*!|>\'"%@`');

interface ScanState {
  flowIndicators: boolean;
  blockIndicators: boolean;
  special: boolean;
  lineBreaks: boolean;
  leadingSpace: boolean;
  leadingBreak: boolean;
  trailingSpace: boolean;
  trailingBreak: boolean;
  breakSpace: boolean;
  spaceBreak: boolean;
  previousSpace: boolean;
  previousBreak: boolean;
}

function scanIndicators(
  st: ScanState,
  c: string,
  first: boolean,
  precededByWs: boolean,
  followedByWs: boolean,
) {
  if (first) {
    if (FIRST_INDICATORS.has(c)) st.flowIndicators = st.blockIndicators = true;
    if (c === '?' || c === ':') {
      st.flowIndicators = true;
      if (followedByWs) st.blockIndicators = true;
    }
    if (c === '-' && followedByWs) st.flowIndicators = st.blockIndicators = true;
    return;
  }
  if (',?[]{}'.includes(c)) st.flowIndicators = true;
  if (c === ':') {
    st.flowIndicators = true;
    if (followedByWs) st.blockIndicators = true;
  }
  if (c === '#' && precededByWs) st.flowIndicators = st.blockIndicators = true;
}

function scanSpacing(st: ScanState, cp: number, first: boolean, last: boolean): void {
  if (cp === 0x20) {
    if (first) st.leadingSpace = true;
    if (last) st.trailingSpace = true;
    if (st.previousBreak) st.breakSpace = true;
    st.previousSpace = true;
    st.previousBreak = false;
  } else if (isBreak(cp)) {
    st.lineBreaks = true;
    if (first) st.leadingBreak = true;
    if (last) st.trailingBreak = true;
    if (st.previousSpace) st.spaceBreak = true;
    st.previousBreak = true;
    st.previousSpace = false;
  } else {
    st.previousSpace = st.previousBreak = false;
  }
}

/** libyaml's yaml_emitter_analyze_scalar, for block context. */
export function analyzeScalar(value: string, v3: boolean): ScalarAnalysis {
  if (value === '')
    return { multiline: false, blockPlainAllowed: true, singleQuotedAllowed: true, blockAllowed: false };
  const cps = [...value].map((c) => c.codePointAt(0) as number);
  const st: ScanState = {
    flowIndicators: false,
    blockIndicators: false,
    special: false,
    lineBreaks: false,
    leadingSpace: false,
    leadingBreak: false,
    trailingSpace: false,
    trailingBreak: false,
    breakSpace: false,
    spaceBreak: false,
    previousSpace: false,
    previousBreak: false,
  };
  if (value.startsWith('---') || value.startsWith('...')) st.flowIndicators = st.blockIndicators = true;
  let precededByWs = true;
  for (let i = 0; i < cps.length; i++) {
    const cp = cps[i] as number;
    const first = i === 0;
    const last = i === cps.length - 1;
    scanIndicators(st, String.fromCodePoint(cp), first, precededByWs, isBlankOrEnd(cps[i + 1]));
    if (!isPrintable(cp, v3)) st.special = true;
    scanSpacing(st, cp, first, last);
    precededByWs = isBlankOrEnd(cp);
  }
  return allowedStyles(st);
}

/** Which styles the scanned features still allow (the end of yaml_emitter_analyze_scalar). */
function allowedStyles(st: ScanState): ScalarAnalysis {
  const a: ScalarAnalysis = {
    multiline: st.lineBreaks,
    blockPlainAllowed: true,
    singleQuotedAllowed: true,
    blockAllowed: true,
  };
  if (st.leadingSpace || st.leadingBreak || st.trailingSpace || st.trailingBreak) a.blockPlainAllowed = false;
  if (st.trailingSpace) a.blockAllowed = false;
  if (st.breakSpace) a.blockPlainAllowed = a.singleQuotedAllowed = false;
  if (st.spaceBreak || st.special) a.blockPlainAllowed = a.singleQuotedAllowed = a.blockAllowed = false;
  if (st.lineBreaks || st.blockIndicators) a.blockPlainAllowed = false;
  return a;
}
