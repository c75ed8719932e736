// The application repository the suites serve over git: a kustomize base (Deployment, Service,
// ConfigMap) and an overlay that puts it in its own namespace, as a Flux user's repo looks.
import type { RepoFiles } from '@flotilla/testing';

export const APP_NAMESPACE = 'e2e-app';
export const SUSPENDED_NAMESPACE = 'e2e-suspended';
export const WITNESS_NAMESPACE = 'e2e-witness';
export const IMAGE_V1 = 'ghcr.io/stefanprodan/podinfo:6.7.0';
export const IMAGE_V2 = 'ghcr.io/stefanprodan/podinfo:6.7.1';

const deployment = (image: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
spec:
  replicas: 1
  selector:
    matchLabels:
      app: podinfo
  template:
    metadata:
      labels:
        app: podinfo
    spec:
      containers:
        - name: podinfo
          image: ${image}
          ports:
            - containerPort: 9898
`;

const service = `apiVersion: v1
kind: Service
metadata:
  name: podinfo
spec:
  selector:
    app: podinfo
  ports:
    - port: 80
      targetPort: 9898
`;

const configMap = `apiVersion: v1
kind: ConfigMap
metadata:
  name: podinfo-config
data:
  PODINFO_UI_MESSAGE: hello from e2e
`;

const baseKustomization = (resources: string[]) =>
  `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n${resources
    .map((r) => `  - ${r}`)
    .join('\n')}\n`;

function overlayFiles(name: string, namespace: string): RepoFiles {
  return {
    [`overlays/${name}/namespace.yaml`]: `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${namespace}\n`,
    [`overlays/${name}/kustomization.yaml`]: `apiVersion: kustomize.config.k8s.io/v1beta1
kind: Kustomization
namespace: ${namespace}
resources:
  - namespace.yaml
  - ../../base
labels:
  - pairs:
      app.kubernetes.io/part-of: e2e
`,
  };
}

/** The first commit: base with all three objects, overlays `e2e`, `suspended` and `witness`. */
export function initialAppFiles(): RepoFiles {
  return {
    'base/deployment.yaml': deployment(IMAGE_V1),
    'base/service.yaml': service,
    'base/configmap.yaml': configMap,
    'base/kustomization.yaml': baseKustomization(['deployment.yaml', 'service.yaml', 'configmap.yaml']),
    ...overlayFiles('e2e', APP_NAMESPACE),
    ...overlayFiles('suspended', SUSPENDED_NAMESPACE),
    ...overlayFiles('witness', WITNESS_NAMESPACE),
  };
}

/** The second commit: the ConfigMap removed, the Deployment on a new image. */
export function secondAppCommit(): { files: RepoFiles; remove: string[] } {
  return {
    files: {
      'base/deployment.yaml': deployment(IMAGE_V2),
      'base/kustomization.yaml': baseKustomization(['deployment.yaml', 'service.yaml']),
    },
    remove: ['base/configmap.yaml'],
  };
}

/** A GitRepository and a Kustomization exactly as a Flux user writes them. */
export function fluxManifests(options: { name: string; url: string; path: string }): string {
  return `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: ${options.name}
  namespace: flux-system
spec:
  interval: 10m
  url: ${options.url}
  ref:
    branch: main
---
${kustomizationManifest(options)}`;
}

export function kustomizationManifest(options: {
  name: string;
  source?: string;
  path: string;
  suspend?: boolean;
}): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${options.name}
  namespace: flux-system
spec:
  interval: 10m
  path: ${options.path}
  prune: true
  wait: true
  timeout: 1m
  sourceRef:
    kind: GitRepository
    name: ${options.source ?? options.name}
${options.suspend ? '  suspend: true\n' : ''}`;
}
