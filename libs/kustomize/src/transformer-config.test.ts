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

  it('applies namePrefix and nameSuffix configuration sections to extra name fields', () => {
    const root = writeTree({
      'kustomization.yaml':
        'resources:\n- f.yaml\nconfigurations:\n- c.yaml\nnamePrefix: p-\nnameSuffix: -s\n',
      'f.yaml': 'apiVersion: x/v1\nkind: Foo\nmetadata:\n  name: f\nspec:\n  ref: other\n',
      'c.yaml': 'namePrefix:\n- path: spec/ref\n  kind: Foo\nnameSuffix:\n- path: spec/ref\n  kind: Foo\n',
    });
    const [foo] = build(root).resources;
    expect(at(foo, 'metadata.name')).toBe('p-f-s');
    expect(at(foo, 'spec.ref')).toBe('p-other-s');
  });

  it('rejects configuration sections it does not implement', () => {
    const root = writeTree({
      'kustomization.yaml': 'configurations:\n- c.yaml\n',
      'c.yaml': 'replicas:\n- path: spec/size\n  kind: Thing\n',
    });
    expect(() => build(root)).toThrow(/transformer configuration 'replicas' is not supported yet/);
  });
});
