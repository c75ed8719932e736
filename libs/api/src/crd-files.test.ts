import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { crdFileName, renderCrdFiles } from './crd-files.js';
import { crdFor } from './crd.js';
import { allKinds } from './registry.js';

const crdDir = resolve(import.meta.dirname, '../../../charts/flotilla/crds');
const STALE = 'CRDs are stale: run npm run generate -w @flotilla/api';

describe('committed CRDs in charts/flotilla/crds', () => {
  const rendered = renderCrdFiles(allKinds);

  it('has one file per kind and nothing else generated', () => {
    const committed = existsSync(crdDir) ? readdirSync(crdDir).filter((f) => f.endsWith('.yaml')) : [];
    expect(committed.sort(), STALE).toEqual([...rendered.keys()].sort());
  });

  it.each([...rendered.keys()])('%s matches the schemas', (file) => {
    const path = join(crdDir, file);
    const committed = existsSync(path) ? readFileSync(path, 'utf8') : '';
    expect(committed === rendered.get(file), STALE).toBe(true);
  });
});

describe('renderCrdFiles', () => {
  it('is deterministic and round-trips to the CRD objects', () => {
    const again = renderCrdFiles(allKinds);
    for (const kind of allKinds) {
      const text = again.get(crdFileName(kind)) ?? '';
      expect(text).toBe(renderCrdFiles([kind]).get(crdFileName(kind)));
      expect(parse(text)).toEqual(crdFor(kind));
    }
  });

  it('names files <group>_<plural>.yaml', () => {
    expect([...renderCrdFiles(allKinds).keys()]).toContain('kustomize.toolkit.fluxcd.io_kustomizations.yaml');
  });
});
