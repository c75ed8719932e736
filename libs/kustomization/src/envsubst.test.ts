import { describe, expect, it } from 'vitest';
import { envsubst, SubstitutionError } from './envsubst.js';
import { substituteObjects } from './post-build.js';

const vars: Record<string, string> = {
  NAME: 'podinfo',
  EMPTY: '',
  PATH_: '/usr/local/bin',
  LOWER: 'hello world',
};
const lookup = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
const sub = (text: string) => envsubst(text, lookup);

describe('envsubst (Flux post-build syntax)', () => {
  it.each([
    ['${NAME}', 'podinfo'],
    ['a-${NAME}-b', 'a-podinfo-b'],
    ['${MISSING}', ''],
    ['${MISSING:=fallback}', 'fallback'],
    ['${MISSING=fallback}', 'fallback'],
    ['${MISSING:-fallback}', 'fallback'],
    ['${MISSING-fallback}', 'fallback'],
    ['${EMPTY:=fallback}', 'fallback'],
    ['${NAME:=fallback}', 'podinfo'],
    ['${MISSING:=${NAME}-x}', 'podinfo-x'],
    ['${#NAME}', '7'],
    ['${NAME^}', 'Podinfo'],
    ['${NAME^^}', 'PODINFO'],
    ['${LOWER,}', 'hello world'],
    ['${NAME,,}', 'podinfo'],
    ['${NAME:3}', 'info'],
    ['${NAME:0:3}', 'pod'],
    ['${PATH_#*/}', 'usr/local/bin'],
    ['${PATH_##*/}', 'bin'],
    ['${PATH_%/*}', '/usr/local'],
    ['${PATH_%%/l*}', '/usr'],
    ['${LOWER/o/0}', 'hell0 world'],
    ['${LOWER//o/0}', 'hell0 w0rld'],
    ['${LOWER/#hello/bye}', 'bye world'],
    ['${LOWER/%world/there}', 'hello there'],
    ['$NAME', '$NAME'],
    ['$${NAME}', '${NAME}'],
    ['cost: $$5', 'cost: $5'],
    ['a $ b', 'a $ b'],
  ])('%s → %s', (input, expected) => {
    expect(sub(input)).toBe(expected);
  });

  it('rejects unsupported and malformed expressions', () => {
    expect(() => sub('${NAME+x}')).toThrow(SubstitutionError);
    expect(() => sub('${NAME:?x}')).toThrow(/unsupported/);
    expect(() => sub('${NAME:+x}')).toThrow(/unsupported/);
    expect(() => sub('${1BAD}')).toThrow(/bad substitution/);
    expect(() => sub('${NAME')).toThrow(/missing closing brace/);
  });

  it('fails on unset variables in strict mode', () => {
    expect(() => envsubst('${MISSING}', lookup, { strict: true })).toThrow(/variable not set/);
  });
});

describe('substituteObjects', () => {
  const cm = (data: Record<string, string>, labels?: Record<string, string>) => ({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'c', ...(labels ? { labels } : {}) },
    data,
  });

  it('does nothing without variables under WithVariables, and applies defaults under Always', () => {
    const objects = [cm({ a: '${X:=1}' })];
    expect(substituteObjects(objects, {})).toEqual(objects);
    expect(substituteObjects(objects, {}, 'Always')[0]?.data).toEqual({ a: '1' });
  });

  it('skips objects opted out by label or annotation and re-types by YAML outside string fields', () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'd' },
      spec: { replicas: '${N}', paused: '${P}' },
    };
    const out = substituteObjects(
      [
        cm({ a: '${N}' }, { 'kustomize.toolkit.fluxcd.io/substitute': 'disabled' }),
        cm({ a: '${N}', b: '${P}' }),
        deployment,
      ],
      { N: '3', P: 'true' },
    );
    expect(out[0]?.data).toEqual({ a: '${N}' });
    expect(out[1]?.data).toEqual({ a: '3', b: 'true' });
    expect(out[2]?.spec).toEqual({ replicas: 3, paused: true });
  });

  it('names the object in errors', () => {
    expect(() => substituteObjects([cm({ a: '${A:?x}' })], { A: 'x' })).toThrow(
      "post build failed for 'v1, Kind=ConfigMap/c': unsupported substitution: ${A:?x}",
    );
  });
});
