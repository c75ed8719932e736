// A kubeconfig pointing at the double, for @kubernetes/client-node, kubectl and flux CLIs.
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  server: string;
  token: string;
  /** Context namespace (default 'default'). */
  namespace?: string;
  /** Impersonate this user (kubeconfig `user.as`). */
  as?: string;
  name?: string;
}

export function renderKubeconfig(options: KubeconfigOptions): string {
  const name = options.name ?? 'flotilla-kube-api';
  const user: Record<string, unknown> = { token: options.token };
  if (options.as) user.as = options.as;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    // client-node 1.x refuses plain-HTTP servers unless TLS verification is marked as skipped.
    clusters: [{ name, cluster: { server: options.server, 'insecure-skip-tls-verify': true } }],
    users: [{ name, user }],
    contexts: [{ name, context: { cluster: name, user: name, namespace: options.namespace ?? 'default' } }],
    'current-context': name,
    preferences: {},
  });
}
