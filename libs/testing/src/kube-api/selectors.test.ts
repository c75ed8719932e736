import { describe, expect, it } from 'vitest';
import { KubeApiError } from './errors.js';
import {
  formatLabelSelector,
  labelSelectorFromObject,
  parseFieldSelector,
  parseLabelSelector,
} from './selectors.js';

describe('label selectors', () => {
  const matches = (selector: string, labels: Record<string, string>) =>
    parseLabelSelector(selector).matches(labels);

  it('implements equality, set-based, existence and numeric comparisons', () => {
    expect(matches('', {})).toBe(true);
    expect(matches('a=1', { a: '1' })).toBe(true);
    expect(matches('a!=1', {})).toBe(true);
    expect(matches('a notin (1,2)', {})).toBe(true);
    expect(matches('a in (1,2)', {})).toBe(false);
    expect(matches('a in (1, 2),b', { a: '2', b: '' })).toBe(true);
    expect(matches('!a', { a: 'x' })).toBe(false);
    expect(matches('a>5', { a: '10' })).toBe(true);
    expect(matches('a<5', { a: 'x' })).toBe(false);
    expect(matches('example.com/team = blue', { 'example.com/team': 'blue' })).toBe(true);
  });

  it('rejects malformed selectors with 400', () => {
    for (const bad of ['a in (', 'a=b c', 'a,,b', '-bad=1', 'a>x', 'a in ()']) {
      expect(() => parseLabelSelector(bad), bad).toThrow(KubeApiError);
    }
  });

  it('renders metav1.LabelSelector objects', () => {
    const selector = labelSelectorFromObject({
      matchLabels: { app: 'x' },
      matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['a', 'b'] }],
    });
    expect(formatLabelSelector(selector)).toBe('app=x,tier notin (a,b)');
    expect(selector.matches({ app: 'x' })).toBe(true);
  });
});

describe('field selectors', () => {
  const supported = new Set(['metadata.name', 'metadata.namespace']);

  it('supports =, == and != with escaped commas and equals signs', () => {
    const selector = parseFieldSelector('metadata.name==a\\,b,metadata.namespace!=x\\=y', supported);
    expect(selector.requirements).toEqual([
      { field: 'metadata.name', equal: true, value: 'a,b' },
      { field: 'metadata.namespace', equal: false, value: 'x=y' },
    ]);
    expect(selector.matches({ 'metadata.name': 'a,b', 'metadata.namespace': 'z' })).toBe(true);
    expect(selector.matches({ 'metadata.name': 'a,b', 'metadata.namespace': 'x=y' })).toBe(false);
  });

  it('refuses unsupported fields and terms without an operator', () => {
    expect(() => parseFieldSelector('spec.x=1', supported)).toThrow(/field label not supported: spec.x/);
    expect(() => parseFieldSelector('metadata.name', supported)).toThrow(KubeApiError);
  });
});
