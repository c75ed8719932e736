// A generated kustomize tree for benchmarks: a base of `apps` applications (Deployment,
// Service, ServiceAccount and a generated ConfigMap each) and an overlay over it with a prefix,
// a namespace, labels, annotations, images, replicas, strategic merge and JSON 6902 patches
// (targeted and untargeted), a secretGenerator and name references everywhere.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

/** Resources per application in the output. */
export const RESOURCES_PER_APP = 4;

function deployment(index: number): string {
  const name = `app-${index}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  labels:
    app: ${name}
    tier: ${index % 3 === 0 ? 'frontend' : 'backend'}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: ${name}
  template:
    metadata:
      labels:
        app: ${name}
    spec:
      serviceAccountName: ${name}
      containers:
      - name: main
        image: registry.example.com/team/${name}:1.0.${index}
        ports:
        - containerPort: 8080
          name: http
        envFrom:
        - configMapRef:
            name: ${name}-config
        env:
        - name: SHARED_TOKEN
          valueFrom:
            secretKeyRef:
              name: shared-secret
              key: token
        volumeMounts:
        - name: config
          mountPath: /etc/app
      - name: sidecar
        image: busybox:1.36
        args: ["sleep", "infinity"]
      volumes:
      - name: config
        configMap:
          name: ${name}-config
`;
}

function service(index: number): string {
  const name = `app-${index}`;
  return `apiVersion: v1
kind: Service
metadata:
  name: ${name}
spec:
  selector:
    app: ${name}
  ports:
  - name: http
    port: 80
    targetPort: http
`;
}

function serviceAccount(index: number): string {
  return `apiVersion: v1
kind: ServiceAccount
metadata:
  name: app-${index}
`;
}

function baseKustomization(apps: number): string {
  const lines = ['resources:'];
  for (let group = 0; group < apps; group += 100) lines.push(`- apps-${group}.yaml`);
  lines.push('configMapGenerator:');
  for (let index = 0; index < apps; index += 1) {
    lines.push(`- name: app-${index}-config`, '  literals:', `  - APP_INDEX=${index}`, `  - LOG_LEVEL=info`);
    if (index % 10 === 0) lines.push('  files:', '  - settings.properties');
  }
  return `${lines.join('\n')}\n`;
}

function overlayKustomization(apps: number): string {
  const strategicPatches = Array.from({ length: Math.min(apps, 50) }, (_, index) => index * 7)
    .filter((index) => index < apps)
    .map(
      (index) => `- patch: |-
    apiVersion: apps/v1
    kind: Deployment
    metadata:
      name: app-${index}
    spec:
      template:
        spec:
          containers:
          - name: main
            resources:
              limits:
                memory: 256Mi`,
    );
  return `namespace: production
namePrefix: prod-
labels:
- pairs:
    env: production
  includeSelectors: false
  includeTemplates: true
commonAnnotations:
  owner: platform-team
resources:
- ../base
images:
- name: busybox
  newTag: "1.37"
replicas:
- name: app-0
  count: 3
secretGenerator:
- name: shared-secret
  literals:
  - token=s3cr3t
configMapGenerator:
- name: app-0-config
  behavior: merge
  literals:
  - LOG_LEVEL=debug
patches:
- target:
    kind: Deployment
    labelSelector: tier=frontend
  patch: |-
    - op: add
      path: /spec/template/spec/containers/0/env/-
      value:
        name: FRONTEND
        value: "true"
- target:
    kind: Service
  patch: |-
    apiVersion: v1
    kind: Service
    metadata:
      name: any
      annotations:
        monitored: "true"
${strategicPatches.join('\n')}
`;
}

/** Writes the tree under `dir` and returns the overlay directory (the one to build). */
export function writeBenchOverlay(dir: string, apps: number): string {
  const base = path.join(dir, 'base');
  const overlay = path.join(dir, 'overlay');
  mkdirSync(base, { recursive: true });
  mkdirSync(overlay, { recursive: true });
  for (let group = 0; group < apps; group += 100) {
    const documents: string[] = [];
    for (let index = group; index < Math.min(group + 100, apps); index += 1) {
      documents.push(deployment(index), service(index), serviceAccount(index));
    }
    writeFileSync(path.join(base, `apps-${group}.yaml`), documents.join('---\n'));
  }
  writeFileSync(path.join(base, 'settings.properties'), 'retries=3\ntimeout=30s\n');
  writeFileSync(path.join(base, 'kustomization.yaml'), baseKustomization(apps));
  writeFileSync(path.join(overlay, 'kustomization.yaml'), overlayKustomization(apps));
  return overlay;
}
