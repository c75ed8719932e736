/** Go's strconv float formatting ('e', 'f', 'g' with or without precision) for float64. */

interface Decimal {
  digits: string; // significant digits, no leading zeros ("0" for zero)
  exp: number; // decimal exponent of the first digit
}

/** Shortest round-trip digits (like Go's precision -1). */
function shortestDecimal(abs: number): Decimal {
  const [mant, e] = abs.toExponential().split('e') as [string, string];
  return { digits: mant.replace('.', ''), exp: Number(e) };
}

/** The exact decimal expansion of a finite positive double (every double is a finite decimal). */
function exactDecimal(abs: number): Decimal {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & ((1n << 52n) - 1n);
  const mant = biased === 0 ? fraction : fraction | (1n << 52n);
  const e2 = (biased === 0 ? 1 : biased) - 1075;
  if (mant === 0n) return { digits: '0', exp: 0 };
  const digits = e2 >= 0 ? (mant << BigInt(e2)).toString() : (mant * 5n ** BigInt(-e2)).toString();
  const scale = e2 >= 0 ? 0 : -e2;
  const trimmed = digits.replace(/0+$/, '');
  return { digits: trimmed, exp: digits.length - 1 - scale };
}

/** Rounds to `sig` significant digits, halves to even, as strconv does on the exact value. */
function roundDecimal(d: Decimal, sig: number): Decimal {
  if (sig < 0) return { digits: '0', exp: 0 };
  if (d.digits.length <= sig) return d;
  const next = d.digits.charCodeAt(sig) - 48;
  const restNonZero = /[1-9]/.test(d.digits.slice(sig + 1));
  const prevOdd = sig > 0 && (d.digits.charCodeAt(sig - 1) - 48) % 2 === 1;
  const up = next > 5 || (next === 5 && (restNonZero || prevOdd));
  let kept = d.digits.slice(0, sig);
  let exp = d.exp;
  if (up) {
    const bumped = (BigInt(kept || '0') + 1n).toString();
    if (bumped.length > sig) exp++;
    kept = bumped;
  }
  kept = kept.replace(/0+$/, '');
  return kept === '' ? { digits: '0', exp: 0 } : { digits: kept, exp };
}

/** Digits rounded to `sig` significant digits. */
function roundedDecimal(abs: number, sig: number): Decimal {
  if (abs === 0) return { digits: '0', exp: 0 };
  return roundDecimal(exactDecimal(abs), sig);
}

function formatE(d: Decimal, frac: number, e: string): string {
  const digits = d.digits.padEnd(frac + 1, '0');
  const mant = frac > 0 ? `${digits[0]}.${digits.slice(1, frac + 1)}` : (digits[0] ?? '0');
  const exp = d.digits === '0' ? 0 : d.exp;
  const sign = exp < 0 ? '-' : '+';
  return `${mant}${e}${sign}${String(Math.abs(exp)).padStart(2, '0')}`;
}

function formatF(d: Decimal, frac: number): string {
  const point = d.exp + 1; // digits before the decimal point
  let intPart: string;
  let fracPart: string;
  if (d.digits === '0') {
    intPart = '0';
    fracPart = '';
  } else if (point <= 0) {
    intPart = '0';
    fracPart = '0'.repeat(-point) + d.digits;
  } else {
    intPart = d.digits.slice(0, point).padEnd(point, '0');
    fracPart = d.digits.slice(point);
  }
  fracPart = fracPart.padEnd(frac, '0').slice(0, frac);
  return frac > 0 ? `${intPart}.${fracPart}` : intPart;
}

/** |value| with exactly `frac` digits after the point. */
function formatFixed(abs: number, frac: number): string {
  if (abs === 0) return formatF({ digits: '0', exp: 0 }, frac);
  const exact = exactDecimal(abs);
  return formatF(roundDecimal(exact, exact.exp + 1 + frac), frac);
}

/** Formats |value| (finite) with verb e/E/f/F/g/G and precision (-1 = shortest). */
export function formatFloatAbs(abs: number, verb: string, prec: number): string {
  const lower = verb.toLowerCase();
  const e = verb === 'E' || verb === 'G' ? 'E' : 'e';
  if (lower === 'e') {
    const d = prec < 0 ? shortestDecimal(abs) : roundedDecimal(abs, prec + 1);
    return formatE(d, prec < 0 ? d.digits.length - 1 : prec, e);
  }
  if (lower === 'f') {
    if (prec < 0) {
      const d = shortestDecimal(abs);
      return formatF(d, Math.max(d.digits.length - d.exp - 1, 0));
    }
    return formatFixed(abs, prec);
  }
  return formatG(abs, prec, e);
}

function formatG(abs: number, prec: number, e: string): string {
  const shortest = prec < 0;
  let d = shortest ? shortestDecimal(abs) : roundedDecimal(abs, prec === 0 ? 1 : prec);
  if (!shortest) d = { ...d, digits: d.digits.replace(/(.)0+$/, '$1') };
  if (abs === 0) d = { digits: '0', exp: 0 };
  let eprec = shortest ? 6 : prec === 0 ? 1 : prec;
  const nd = d.digits.length;
  if (!shortest && eprec > nd && nd >= d.exp + 1) eprec = nd;
  if (d.exp < -4 || d.exp >= eprec) return formatE(d, nd - 1, e);
  return formatF(d, Math.max(nd - d.exp - 1, 0));
}
