// Where the Kubernetes contract suite runs. A real cluster only when FLOTILLA_TEST_KUBECONFIG
// names a kubeconfig file (KUBECONFIG is deliberately ignored: it is often set in a developer's shell
// and the suite writes namespaces and CRDs); otherwise a fresh API-server double on loopback.
import { randomBytes } from 'node:crypto';
import { KubeConfig } from '@kubernetes/client-node';
import { ADMIN_USER, startKubeApi } from '../kube-api/index.js';

/** Names the kubeconfig of a real cluster to run the contract suite against. */
export const CLUSTER_KUBECONFIG_VARIABLE = 'FLOTILLA_TEST_KUBECONFIG';
/** Optional context within that kubeconfig (default: its current-context). */
export const CLUSTER_CONTEXT_VARIABLE = 'FLOTILLA_TEST_KUBE_CONTEXT';

export interface ContractTarget {
  readonly kind: 'double' | 'cluster';
  /** The client configuration every contract test talks through. */
  readonly kc: KubeConfig;
  /** Runs `cleanup` (best effort, errors ignored) before the target is closed. */
  onClose(cleanup: () => Promise<unknown>): void;
  /** Runs the registered cleanups, then stops the double (a real cluster is left running). */
  close(): Promise<void>;
}

/** Opens the real cluster named by the environment, or starts the double. */
export async function openContractTarget(env: NodeJS.ProcessEnv = process.env): Promise<ContractTarget> {
  const file = env[CLUSTER_KUBECONFIG_VARIABLE];
  const kc = new KubeConfig();
  let stop: () => Promise<void>;
  let kind: ContractTarget['kind'];
  if (file) {
    kc.loadFromFile(file);
    const context = env[CLUSTER_CONTEXT_VARIABLE];
    if (context) kc.setCurrentContext(context);
    kind = 'cluster';
    stop = async () => {};
  } else {
    // Like a real cluster, only a known token authenticates (the double's default accepts any).
    const server = await startKubeApi({ tokens: { [randomBytes(16).toString('hex')]: ADMIN_USER } });
    kc.loadFromString(server.kubeconfig());
    kind = 'double';
    stop = () => server.close();
  }
  const cleanups: (() => Promise<unknown>)[] = [];
  return {
    kind,
    kc,
    onClose: (cleanup) => void cleanups.push(cleanup),
    close: async () => {
      // Newest first: objects inside a namespace or of a CRD go before it.
      for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
      await stop();
    },
  };
}
