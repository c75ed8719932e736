// The `replicas` transformer: sets spec.replicas of workloads by (former or current) name.
import { REPLICA_SPECS } from './builtin-field-specs.js';
import { updateFields } from './field-specs.js';
import { hadName, type Resource } from './resource.js';

export interface ReplicaOverride {
  readonly name: string;
  readonly count: number;
}

export function setReplicas(resources: readonly Resource[], overrides: readonly ReplicaOverride[]): void {
  for (const override of overrides) {
    for (const resource of resources) {
      if (hadName(resource, override.name))
        updateFields(resource.object, REPLICA_SPECS, () => override.count);
    }
  }
}
