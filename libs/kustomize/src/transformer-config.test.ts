import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { at, removeTrees, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

const CERTS = `apiVersion: cert-manager.io/v1
kind: Issuer
metadata:
  name: selfsigned
---
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: cert
spec:
  issuerRef:
    name: selfsigned
  template:
    spec:
      containers:
      - image: app:1
---
apiVersion: admissionregistration.k8s.io/v1
kind: MutatingWebhookConfiguration
metadata:
  name: hook
webhooks:
- name: a.example.com
  clientConfig:
    service:
      name: svc
`;

describe('configurations', () => {
  it('adds custom name references, namespace fields and image fields', () => {
    const root = writeTree({
      'kustomization.yaml':
        'namePrefix: p-\nnamespace: ns\nimages:\n- name: app\n  newTag: "2"\nresources:\n- base\n',
      'base/kustomization.yaml': 'resources:\n- certs.yaml\nconfigurations:\n- config.yaml\n',
      'base/certs.yaml': CERTS,
      'base/config.yaml': `nameReference:
- kind: Issuer
  group: cert-manager.io
  fieldSpecs:
  - kind: Certificate
    path: spec/issuerRef/name
namespace:
- kind: MutatingWebhookConfiguration
  path: webhooks/clientConfig/service/namespace
  create: true
images:
- kind: Certificate
  path: spec/template/spec/containers[]/image
varReference:
- path: metadata/annotations
`,
    });
    const resources = build(root).resources;
    const certificate = resources.find((doc) => doc['kind'] === 'Certificate');
    const hook = resources.find((doc) => doc['kind'] === 'MutatingWebhookConfiguration');
    expect(at(certificate, 'spec.issuerRef.name')).toBe('p-selfsigned');
    expect(at(hook, 'webhooks.0.clientConfig.service')).toEqual({ name: 'svc', namespace: 'ns' });
    expect(at(certificate, 'spec.template.spec.containers.0.image')).toBe('app:2');
  });

  it('rejects configuration sections it does not implement', () => {
    const root = writeTree({
      'kustomization.yaml': 'configurations:\n- c.yaml\n',
      'c.yaml': 'namePrefix:\n- path: metadata/name\n',
    });
    expect(() => build(root)).toThrow(/transformer configuration 'namePrefix' is not supported yet/);
  });
});
