import { describe, expect, it } from 'vitest';
import { Template } from '@flotilla/gotemplate';
import { sprigFunctions } from './index.js';
import { parseGoTime } from './time.js';

const render = (t: string): string => Template.parse('t', t, { funcs: sprigFunctions() }).execute({});

describe('time.Time values', () => {
  it('toDate parses Go layouts and date formats the result', () => {
    expect(render('{{ toDate "2006-01-02" "2017-12-31" | date "02/01/2006" }}')).toBe('31/12/2017');
    expect(
      render(
        '{{ (toDate "2006-01-02T15:04:05Z07:00" "2020-02-29T10:11:12+02:00").UTC.Format "2006-01-02 15:04" }}',
      ),
    ).toBe('2020-02-29 08:11');
    expect(render('{{ toDate "2006-01-02T15:04:05Z07:00" "2020-01-01T00:00:00Z" | unixEpoch }}')).toBe(
      '1577836800',
    );
  });

  it('toDate yields the zero time on bad input; mustToDate fails', () => {
    expect(render('{{ (toDate "2006-01-02" "2019-02-30").UTC.Year }}')).toBe('1');
    expect(() => render('{{ mustToDate "2006-01-02" "x" }}')).toThrow('parsing time');
  });

  it('dateModify adds a Go duration', () => {
    expect(
      render(
        '{{ toDate "2006-01-02T15:04:05Z07:00" "2020-01-01T00:00:00Z" | dateModify "1h30m" | unixEpoch }}',
      ),
    ).toBe('1577842200');
    expect(() => render('{{ toDate "2006-01-02" "2020-01-01" | mustDateModify "nope" }}')).toThrow(
      'invalid duration',
    );
  });

  it('parses 12-hour clocks and month names', () => {
    expect(
      new Date(
        parseGoTime('Jan 2, 2006 at 3:04pm (MST)', 'Feb 3, 2013 at 7:54pm (PST)', 'UTC'),
      ).toISOString(),
    ).toBe('2013-02-03T19:54:00.000Z');
  });
});
