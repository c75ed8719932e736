// Registry access for OCIRepository and OCI HelmRepository/HelmChart: credentials from a
// dockerconfigjson Secret (HelmRepository type oci also takes username/password), a generic
// ServiceAccount's imagePullSecrets, TLS from certSecretRef, plain HTTP with `insecure`.
import {
  credentialsFromDockerConfig,
  type OciClientOptions,
  type OciReference,
  type RegistryCredentials,
} from '@flotilla/oci';
import type { KubeClient } from '@flotilla/runtime';
import { tlsFromSecret } from '../http-get.js';
import { readSecret, readSecretRef } from '../source-object.js';

export interface OciAccessSpec {
  secretRef?: { name: string };
  certSecretRef?: { name: string };
  serviceAccountName?: string;
  insecure?: boolean;
  provider?: string;
}

const SERVICE_ACCOUNTS = {
  group: '',
  version: 'v1',
  kind: 'ServiceAccount',
  plural: 'serviceaccounts',
  namespaced: true,
};

function credentialsOf(
  data: Record<string, string>,
  target: OciReference,
  allowBasic: boolean,
): RegistryCredentials | undefined {
  const json = data['.dockerconfigjson'] ?? data['.dockercfg'];
  if (json) return credentialsFromDockerConfig(json, target);
  if (allowBasic && data.username !== undefined && data.password !== undefined)
    return { username: data.username, password: data.password };
  return undefined;
}

async function serviceAccountCredentials(
  kube: KubeClient,
  namespace: string,
  name: string,
  target: OciReference,
): Promise<RegistryCredentials | undefined> {
  const account = await kube.get<{ imagePullSecrets?: { name?: string }[] }>(
    SERVICE_ACCOUNTS,
    namespace,
    name,
  );
  for (const ref of account.imagePullSecrets ?? []) {
    if (!ref.name) continue;
    const found = credentialsOf(await readSecret(kube, namespace, ref.name), target, false);
    if (found) return found;
  }
  return undefined;
}

/** OciClient options for `target` from the object's spec and Secrets. */
export async function ociClientOptions(
  kube: KubeClient,
  namespace: string,
  spec: OciAccessSpec,
  target: OciReference,
  options: { allowBasic: boolean; timeoutMs: number },
): Promise<OciClientOptions> {
  const result: OciClientOptions = {
    insecure: spec.insecure === true,
    timeoutMs: options.timeoutMs,
    retry: { attempts: 1 },
  };
  const secret = await readSecretRef(kube, namespace, spec.secretRef);
  const credentials = secret
    ? credentialsOf(secret, target, options.allowBasic)
    : spec.serviceAccountName
      ? await serviceAccountCredentials(kube, namespace, spec.serviceAccountName, target)
      : undefined;
  if (credentials) result.credentials = credentials;
  const tls = tlsFromSecret(await readSecretRef(kube, namespace, spec.certSecretRef), false);
  if (tls) result.tls = tls;
  return result;
}
