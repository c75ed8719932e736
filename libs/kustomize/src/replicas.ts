// The `replicas` transformer: sets spec.replicas of workloads by (former or current) name; like
// kustomize, an entry that matches no workload is an error rather than silently ignored.
import { REPLICA_SPECS } from './builtin-field-specs.js';
import { KustomizeError } from './errors.js';
import { specMatches, updateFields } from './field-specs.js';
import { hadName, type Resource } from './resource.js';

export interface ReplicaOverride {
  readonly name: string;
  readonly count: number;
}

export function setReplicas(
  resources: readonly Resource[],
  overrides: readonly ReplicaOverride[],
  file?: string,
): void {
  for (const override of overrides) {
    let found = false;
    for (const resource of resources) {
      if (!hadName(resource, override.name)) continue;
      if (!REPLICA_SPECS.some((spec) => specMatches(spec, resource.object))) continue;
      found = true;
      updateFields(resource.object, REPLICA_SPECS, () => override.count);
    }
    if (!found) {
      const kinds = REPLICA_SPECS.map((spec) => spec.kind ?? '').join(', ');
      throw new KustomizeError(
        'INVALID_KUSTOMIZATION',
        `resource with name ${override.name} does not match a config with the following kinds: ${kinds}`,
        file,
      );
    }
  }
}
