import { describe, expect, it } from 'vitest';
import { GoFunc, Template, withMethods, type GoValue } from './index.js';

describe('methods on maps and slices', () => {
  it('calls a method before looking up a key, and ranges/prints only the entries', () => {
    const files = withMethods({ 'a.txt': 'A' } as Record<string, GoValue>, {
      Get: new GoFunc('Get', (name) => `got ${String(name)}`, { params: ['string'] }),
    });
    const set = withMethods(['x', 'y'] as GoValue[], {
      Has: new GoFunc('Has', (v) => v === 'x', { params: ['string'] }),
    });
    const out = Template.parse(
      't',
      '{{ .f.Get "a.txt" }}|{{ range $k, $v := .f }}{{ $k }}={{ $v }}{{ end }}|{{ .f }}|{{ .s.Has "x" }} {{ .s.Has "z" }} {{ len .s }}',
    ).execute({ f: files, s: set });
    expect(out).toBe('got a.txt|a.txt=A|map[a.txt:A]|true false 2');
  });
});

describe('shared step budget', () => {
  it('stops executions that share one budget object', () => {
    const budget = { steps: 50 };
    const t = Template.parse('t', '{{ range $i := . }}{{ end }}').setLimits({ budget });
    expect(t.execute(Array.from({ length: 40 }, () => null))).toBe('');
    expect(() => t.execute(Array.from({ length: 40 }, () => null))).toThrow(
      'execution exceeds its step budget',
    );
  });

  it('stops at the deadline', () => {
    const t = Template.parse('t', '{{ range $i := . }}{{ end }}').setLimits({
      budget: { steps: 1e9, deadline: Date.now() - 1 },
    });
    expect(() => t.execute(Array.from({ length: 5000 }, () => null))).toThrow(
      'execution exceeds its time limit',
    );
  });
});
