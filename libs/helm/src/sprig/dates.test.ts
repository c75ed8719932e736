import { describe, expect, it } from 'vitest';
import { formatGoTime, zonedTime } from './dates.js';
import { render } from './test-support/render.js';

describe('date functions', () => {
  // 2021-03-04T05:06:07Z, a Thursday.
  const instant = 1614834367;

  it('formats Unix seconds with Go layouts', () => {
    expect(render(`{{ dateInZone "Monday Jan _2 2006 15:04:05 PM MST -07:00" ${instant} "UTC" }}`)).toBe(
      'Thursday Mar  4 2021 05:06:07 AM UTC +00:00',
    );
    expect(render(`{{ htmlDateInZone ${instant} "UTC" }}`)).toBe('2021-03-04');
  });

  it('converts into named zones and falls back to UTC for unknown ones', () => {
    expect(render(`{{ date_in_zone "2006-01-02 15:04 Z07:00" ${instant} "Asia/Kolkata" }}`)).toBe(
      '2021-03-04 10:36 +05:30',
    );
    expect(render(`{{ dateInZone "15:04 Z0700" ${instant} "No/Such_Zone" }}`)).toBe('05:06 Z');
  });

  it('prints fractional seconds and day of year', () => {
    const t = zonedTime(instant * 1000 + 250, 'UTC');
    expect(formatGoTime(t, '05.000 05.999 002 3pm')).toBe('07.250 07.25 063 5am');
  });
});
