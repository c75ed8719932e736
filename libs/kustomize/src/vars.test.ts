import { afterEach, describe, expect, it } from 'vitest';
import { build } from './build.js';
import { at, removeTrees, SERVICE, writeTree } from './test-support/fixture.js';

afterEach(removeTrees);

const POD = `apiVersion: v1
kind: Pod
metadata:
  name: pod
spec:
  containers:
  - name: c
    image: busybox
    args: ["echo $(SVC) $(UNKNOWN)"]
    env:
    - name: PORT
      value: $(PORT)
`;

describe('vars', () => {
  it('substitutes final names and typed fields into var-reference fields', () => {
    const root = writeTree({
      'base/kustomization.yaml':
        'resources:\n- s.yaml\nvars:\n- name: SVC\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\n- name: PORT\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\n  fieldref:\n    fieldpath: spec.ports[0].port\n',
      'base/s.yaml': SERVICE,
      'kustomization.yaml': 'namePrefix: p-\nresources:\n- base\n- pod.yaml\n',
      'pod.yaml': POD,
    });
    const pod = build(root, { root }).resources.find((doc) => doc['kind'] === 'Pod');
    expect(at(pod, 'spec.containers.0.args')).toEqual(['echo p-web $(UNKNOWN)']);
    // Checked against kubectl kustomize v5.5.0: a whole-string var keeps the value's type.
    expect(at(pod, 'spec.containers.0.env.0.value')).toBe(80);
  });

  it('reads var fields with kyaml paths and substitutes into configured fields', () => {
    const root = writeTree({
      'kustomization.yaml':
        'resources:\n- s.yaml\n- cm.yaml\nconfigurations:\n- c.yaml\nvars:\n- name: PORT\n  objref:\n    kind: Service\n    name: web\n    apiVersion: v1\n  fieldref:\n    fieldpath: spec.ports.0.port\n',
      's.yaml': SERVICE,
      'cm.yaml':
        'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n  port: $(PORT)\n  url: http://x:$(PORT)\n',
      'c.yaml': 'varReference:\n- kind: ConfigMap\n  path: data/url\n',
    });
    const configMap = build(root).resources.find((doc) => doc['kind'] === 'ConfigMap');
    expect(at(configMap, 'data')).toEqual({ port: '$(PORT)', url: 'http://x:80' });
  });

  it('fails for a var whose object does not exist and for duplicate names', () => {
    const missing = writeTree({
      'kustomization.yaml': 'vars:\n- name: X\n  objref:\n    kind: Service\n    name: nope\n',
    });
    expect(() => build(missing)).toThrow(/var 'X' cannot be mapped/);
    const duplicate = writeTree({
      'kustomization.yaml':
        'resources:\n- s.yaml\nvars:\n- name: X\n  objref:\n    kind: Service\n    name: web\n- name: X\n  objref:\n    kind: Service\n    name: web\n',
      's.yaml': SERVICE,
    });
    expect(() => build(duplicate)).toThrow(/var 'X' already encountered/);
  });
});
