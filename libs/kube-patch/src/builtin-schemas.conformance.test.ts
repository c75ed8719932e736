// Reads ../shared: the committed generated module must match a fresh generation from the spec.

import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { OUTPUT_PATH, readSpec, renderBuiltinSchemas, shortName } from '../scripts/generate-schema.mjs';
import { builtinSchemaFor } from './builtin-schemas.js';

interface SpecResource {
  apiVersion: string;
  kind: string;
  /** Absent for option kinds (PodExecOptions, …) that have no definition in the bundle. */
  definition?: string;
}

describe('generated built-in schemas', () => {
  it('are up to date with shared/spec/k8s-openapi-v1.21.2.json (run `npm run generate` if not)', async () => {
    const spec = await readSpec();
    const committed = await readFile(OUTPUT_PATH, 'utf8');
    expect(committed).toBe(await renderBuiltinSchemas(spec));
  });

  it('cover every resource the spec lists, at the definition it names', async () => {
    const spec = (await readSpec()) as { resources: SpecResource[] };
    const { BUILTIN_KINDS } = await import('./generated/builtin-schemas.js');
    for (const resource of spec.resources) {
      const { definition } = resource;
      if (!definition || definition.startsWith('io.k8s.apimachinery.pkg.apis.meta.v1.')) continue;
      expect(
        builtinSchemaFor(resource.apiVersion, resource.kind),
        `${resource.apiVersion}/${resource.kind}`,
      ).toBeDefined();
      expect(BUILTIN_KINDS[`${resource.apiVersion}/${resource.kind}`]).toBe(shortName(definition));
    }
  });
});
