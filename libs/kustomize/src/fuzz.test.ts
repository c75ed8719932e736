// Random and hostile inputs: every build ends, quickly, either with output or with a
// KustomizeError — never a hang, a crash or a stray TypeError. The generator is seeded, so a
// failure names the seed and iteration that reproduce it.
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { build } from './build.js';
import { KustomizeError } from './errors.js';
import { DEPLOYMENT, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';
import { KNOWN_FIELDS } from './kustomization.js';

afterEach(removeTrees);

/** mulberry32: a small seeded PRNG. */
function prng(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

const WORDS = [
  'web',
  'svc.yaml',
  'd.yaml',
  'base',
  '../base',
  'x',
  '',
  '-',
  '[',
  '$patch',
  'delete',
  'name',
  '*',
];
// Every field the engine reads, except the header ones the fuzzer sets itself.
const FIELDS = KNOWN_FIELDS.filter((field) => !['apiVersion', 'kind', 'metadata'].includes(field));

/** A random value of a random shape: scalars, lists, maps, and plausible kustomize entries. */
function randomValue(random: Random, depth: number): unknown {
  const roll = random();
  if (depth > 3 || roll < 0.3) return pick(random, [...WORDS, 0, 1, -1, true, false, null, 3.5]);
  if (roll < 0.55)
    return Array.from({ length: Math.floor(random() * 4) }, () => randomValue(random, depth + 1));
  if (roll < 0.8) {
    const keys = [
      'name',
      'path',
      'patch',
      'target',
      'kind',
      'count',
      'newTag',
      'literals',
      'files',
      'behavior',
      'pairs',
      'source',
      'targets',
      'fieldPath',
      'options',
      'objref',
    ];
    return Object.fromEntries(
      Array.from({ length: 1 + Math.floor(random() * 4) }, () => [
        pick(random, keys),
        randomValue(random, depth + 1),
      ]),
    );
  }
  return pick(random, [
    { name: 'web', count: 2 },
    { path: 'svc.yaml', target: { kind: 'Service' } },
    { patch: '- op: add\n  path: /metadata/labels/x\n  value: y', target: { kind: '.*' } },
    { patch: 'apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n$patch: delete' },
    { name: 'cm', literals: ['a=b', 'c'], behavior: pick(random, ['merge', 'replace', 'create', 'odd']) },
    {
      source: { kind: 'Service', fieldPath: 'metadata.name' },
      targets: [
        { select: { kind: 'Deployment' }, fieldPaths: ['spec.template.spec.containers.[name=web].image'] },
      ],
    },
    { name: 'nginx', newName: 'registry/nginx', digest: 'sha256:abc' },
  ]);
}

function randomKustomization(random: Random): string {
  const document: Record<string, unknown> = {};
  for (let count = 1 + Math.floor(random() * 5); count > 0; count -= 1) {
    document[pick(random, FIELDS)] = randomValue(random, 0);
  }
  if (random() < 0.6) document['resources'] = ['svc.yaml', 'd.yaml'];
  return stringify(document);
}

/** Flips, drops or duplicates a few characters of a valid text. */
function mutate(random: Random, text: string): string {
  const characters = [...text];
  for (let count = Math.floor(random() * 4); count > 0; count -= 1) {
    const at = Math.floor(random() * characters.length);
    const roll = random();
    if (roll < 0.33) characters.splice(at, 1);
    else if (roll < 0.66)
      characters.splice(at, 0, pick(random, [':', '-', ' ', '\n', '[', '{', '&a', '*a', '"', '#']));
    else characters[at] = pick(random, ['x', ':', '\t', '}', ']']);
  }
  return characters.join('');
}

/** Builds and classifies the outcome; anything but output or a KustomizeError fails the test. */
function outcome(run: () => unknown, context: string): 'ok' | 'error' {
  try {
    run();
    return 'ok';
  } catch (error) {
    if (error instanceof KustomizeError) return 'error';
    throw new Error(
      `${context}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`,
      { cause: error },
    );
  }
}

function timed(run: () => unknown): number {
  const start = performance.now();
  try {
    run();
  } catch {
    // Only the time matters here; the outcome is asserted separately.
  }
  return performance.now() - start;
}

function errorOf(run: () => unknown): KustomizeError {
  try {
    run();
  } catch (error) {
    if (error instanceof KustomizeError) return error;
    throw error;
  }
  throw new Error('expected a KustomizeError');
}

describe('fuzz: random kustomizations', () => {
  it('build or fail with a KustomizeError for 150 random kustomization files', () => {
    const seed = 20261125;
    const random = prng(seed);
    const outcomes = { ok: 0, error: 0 };
    for (let iteration = 0; iteration < 150; iteration += 1) {
      const text = randomKustomization(random);
      const root = writeTree({ 'kustomization.yaml': text, 'svc.yaml': SERVICE, 'd.yaml': DEPLOYMENT });
      outcomes[outcome(() => build(root), `seed ${seed} iteration ${iteration}:\n${text}`)] += 1;
    }
    // Both paths are exercised: the generator is not so wild that nothing builds.
    expect(outcomes.ok).toBeGreaterThan(10);
    expect(outcomes.error).toBeGreaterThan(10);
  });

  it('build or fail with a KustomizeError for 150 mutated resource and kustomization files', () => {
    const seed = 7;
    const random = prng(seed);
    const kustomization =
      'resources:\n- svc.yaml\n- d.yaml\nnamePrefix: p-\ncommonLabels:\n  team: a\nimages:\n- name: nginx\n  newTag: "2"\nconfigMapGenerator:\n- name: c\n  literals: [a=b]\n';
    for (let iteration = 0; iteration < 150; iteration += 1) {
      const files = {
        'kustomization.yaml': random() < 0.5 ? mutate(random, kustomization) : kustomization,
        'svc.yaml': mutate(random, SERVICE),
        'd.yaml': mutate(random, DEPLOYMENT),
      };
      const root = writeTree(files);
      outcome(() => build(root), `seed ${seed} iteration ${iteration}: ${JSON.stringify(files)}`);
    }
  });
});

describe('hostile inputs', () => {
  it('stops a billion-laughs alias bomb', () => {
    const lines = [
      'apiVersion: v1',
      'kind: ConfigMap',
      'metadata:',
      '  name: lol',
      'a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
    ];
    for (let level = 1; level < 10; level += 1) {
      lines.push(
        `a${level}: &a${level} [${Array(9)
          .fill(`*a${level - 1}`)
          .join(',')}]`,
      );
    }
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- bomb.yaml\n',
      'bomb.yaml': `${lines.join('\n')}\n`,
    });
    expect(timed(() => build(root))).toBeLessThan(5000);
    expect(errorOf(() => build(root)).code).toBe('LIMIT_EXCEEDED');
    const inKustomization = writeTree({ 'kustomization.yaml': `${lines.slice(4).join('\n')}\n` });
    expect(errorOf(() => build(inKustomization)).code).toBe('LIMIT_EXCEEDED');
  });

  it('refuses deep nesting, flow and block, with a limit error', () => {
    const flow = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: ${'['.repeat(5000)}${']'.repeat(5000)}\n`;
    const moderate = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\ndata: ${'{a: '.repeat(400)}1${'}'.repeat(400)}\n`;
    for (const text of [flow, moderate]) {
      const root = writeTree({ 'kustomization.yaml': 'resources:\n- r.yaml\n', 'r.yaml': text });
      const error = errorOf(() => build(root));
      expect(error.code).toBe('LIMIT_EXCEEDED');
      expect(error.message).toMatch(/r\.yaml: YAML nests/);
    }
  });

  it('refuses files over the size limit before reading them', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- big.yaml\n',
      'big.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n  blob: ${'x'.repeat(2 * 1024 * 1024)}\n`,
    });
    const error = errorOf(() => build(root, { maxFileBytes: 1024 * 1024 }));
    expect(error.code).toBe('LIMIT_EXCEEDED');
    expect(error.message).toMatch(/big\.yaml: file is \d+ bytes/);
    // Under the default limit the same file builds, in bounded time.
    expect(timed(() => build(root))).toBeLessThan(10_000);
  });

  it('detects cycles through long chains of bases and caps nesting depth', () => {
    const files: Record<string, string> = {};
    for (let index = 0; index < 30; index += 1)
      files[`k${index}/kustomization.yaml`] = `resources:\n- ../k${(index + 1) % 30}\n`;
    const root = writeTree(files);
    expect(errorOf(() => build(path.join(root, 'k0'), { root })).code).toBe('CYCLE');
    const deep: Record<string, string> = { 'kustomization.yaml': 'resources:\n- d\n' };
    let dir = '';
    for (let index = 0; index < 120; index += 1) {
      dir = dir === '' ? 'd' : `${dir}/d`;
      deep[`${dir}/kustomization.yaml`] = 'resources:\n- d\n';
    }
    expect(errorOf(() => build(writeTree(deep))).code).toBe('LIMIT_EXCEEDED');
  });

  it('handles very long names and many documents in bounded time', () => {
    const longName = 'n'.repeat(100_000);
    const documents = Array.from(
      { length: 2000 },
      (_, index) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c${index}\n`,
    ).join('---\n');
    const root = writeTree({
      'kustomization.yaml': `resources:\n- many.yaml\n- long.yaml\nnamePrefix: ${'p'.repeat(10_000)}-\n`,
      'many.yaml': documents,
      'long.yaml': `apiVersion: v1\nkind: Secret\nmetadata:\n  name: ${longName}\n`,
    });
    let count = 0;
    const elapsed = timed(() => {
      count = build(root).resources.length;
    });
    expect(count).toBe(2001);
    expect(elapsed).toBeLessThan(30_000);
  });

  it('refuses a file of more documents than the limit before parsing it', () => {
    const root = writeTree({
      'kustomization.yaml': 'resources:\n- r.yaml\n',
      'r.yaml': '---\n'.repeat(200_001),
    });
    let error: KustomizeError | undefined;
    const elapsed = timed(() => {
      error = errorOf(() => build(root));
    });
    expect(error?.code).toBe('LIMIT_EXCEEDED');
    expect(error?.message).toMatch(/r\.yaml: more than 100000 YAML documents/);
    expect(elapsed).toBeLessThan(5000);
  });

  it('names the file and position of invalid YAML', () => {
    const root = writeTree({ 'kustomization.yaml': 'resources:\n- bad.yaml\n', 'bad.yaml': 'a: b\n c: [\n' });
    const error = errorOf(() => build(root));
    expect(error.code).toBe('INVALID_YAML');
    expect(error.message).toMatch(/^bad\.yaml: .*line \d+/);
  });
});
