// Workloads the contract tests write. Deployments are scaled to zero so a real cluster's
// controllers create no pods while the tests read what the API server stored.
import type { V1Container, V1Deployment } from '@kubernetes/client-node';

/** A Deployment `name` (selector and pod label app=name) with replicas 0. */
export function idleDeployment(
  name: string,
  containers: V1Container[] = [{ name: 'web', image: 'nginx:1.27' }],
): V1Deployment {
  return {
    metadata: { name },
    spec: {
      replicas: 0,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers } },
    },
  };
}
