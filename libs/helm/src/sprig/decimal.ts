/**
 * The slice of shopspring/decimal that Sprig's float functions use: exact decimal add/sub/mul of
 * float64 values (taken at their shortest representation) and division rounded to 16 places.
 */
import { FuncError } from '@flotilla/gotemplate';

/** shopspring's DivisionPrecision. */
const DIVISION_PRECISION = 16;

export class Decimal {
  constructor(
    readonly coef: bigint,
    readonly exp: number,
  ) {}

  /** decimal.NewFromFloat: the shortest decimal that round-trips to the float. */
  static fromFloat(n: number): Decimal {
    if (!Number.isFinite(n)) throw new FuncError(`Cannot create a Decimal from ${n}`);
    const [mantissa, expText] = String(n).split('e') as [string, string | undefined];
    const [intPart, fracPart = ''] = mantissa.split('.') as [string, string | undefined];
    return new Decimal(BigInt(intPart + fracPart), Number(expText ?? 0) - fracPart.length);
  }

  private static aligned(a: Decimal, b: Decimal): [bigint, bigint, number] {
    const exp = Math.min(a.exp, b.exp);
    return [a.coef * 10n ** BigInt(a.exp - exp), b.coef * 10n ** BigInt(b.exp - exp), exp];
  }

  add(o: Decimal): Decimal {
    const [x, y, exp] = Decimal.aligned(this, o);
    return new Decimal(x + y, exp);
  }

  sub(o: Decimal): Decimal {
    const [x, y, exp] = Decimal.aligned(this, o);
    return new Decimal(x - y, exp);
  }

  mul(o: Decimal): Decimal {
    return new Decimal(this.coef * o.coef, this.exp + o.exp);
  }

  /** Div: the quotient rounded half away from zero to DIVISION_PRECISION places. */
  div(o: Decimal): Decimal {
    if (o.coef === 0n) throw new FuncError('decimal division by 0');
    const shift = this.exp - o.exp + DIVISION_PRECISION;
    let num = this.coef;
    let den = o.coef;
    if (shift >= 0) num *= 10n ** BigInt(shift);
    else den *= 10n ** BigInt(-shift);
    let q = num / den;
    const r = num % den;
    const abs = (x: bigint): bigint => (x < 0n ? -x : x);
    if (2n * abs(r) >= abs(den)) q += num < 0n !== den < 0n ? -1n : 1n;
    return new Decimal(q, -DIVISION_PRECISION);
  }

  /** Float64(): the nearest float64 to the exact decimal value. */
  toFloat(): number {
    return Number(`${this.coef}e${this.exp}`);
  }
}
