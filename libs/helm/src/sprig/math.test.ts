import { describe, expect, it } from 'vitest';
import { Decimal } from './decimal.js';
import { round } from './math.js';
import { render } from './test-support/render.js';

describe('math functions', () => {
  it.each([
    ['{{ add 1 "2" 3.9 }}', '6'],
    ['{{ sub 1 5 }} {{ mul 2 "0x10" }} {{ div 7 2 }} {{ mod -7 3 }}', '-4 32 3 -1'],
    ['{{ add1 "41" }} {{ int "12.000" }} {{ int64 true }} {{ float64 "1.5" }}', '42 12 1 1.5'],
    ['{{ max 1 9 3 }} {{ min 4 -2 }} {{ maxf 1 2.5 }} {{ minf 0.5 "0.25" }}', '9 -2 2.5 0.25'],
    ['{{ addf 0.1 0.2 }} {{ subf 1 0.9 }} {{ mulf 0.1 3 }} {{ divf 1 3 }}', '0.3 0.1 0.3 0.3333333333333333'],
    ['{{ add1f 0.1 }}', '1.1'],
    ['{{ floor 1.7 }} {{ ceil "-1.2" }} {{ round 2.345 2 }}', '1 -1 2.35'],
    ['{{ atoi "42" }} {{ atoi "4x" }} {{ toDecimal "0777" }} {{ toDecimal 9 }}', '42 0 511 0'],
  ])('%s', (template, expected) => {
    expect(render(template)).toBe(expected);
  });

  it('fails integer division by zero like Go', () => {
    expect(() => render('{{ div 1 0 }}')).toThrow('integer divide by zero');
    expect(() => render('{{ divf 1 0 }}')).toThrow('decimal division by 0');
  });

  it('computes decimals exactly and divides to 16 places', () => {
    expect(Decimal.fromFloat(1e-7).mul(Decimal.fromFloat(3)).toFloat()).toBe(3e-7);
    expect(Decimal.fromFloat(2).div(Decimal.fromFloat(3)).toFloat()).toBe(0.6666666666666667);
    expect(Decimal.fromFloat(-2).div(Decimal.fromFloat(3)).toFloat()).toBe(-0.6666666666666667);
  });

  it('rounds with a configurable threshold', () => {
    expect(round(1.24, 1, 0.4)).toBe(1.3);
    expect(round(1.24, 1)).toBe(1.2);
  });
});
