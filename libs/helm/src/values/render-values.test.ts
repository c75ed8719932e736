import { describe, expect, it } from 'vitest';
import { Template, type GoMap } from '@flotilla/gotemplate';
import type { Chart } from '../chart/types.js';
import { helmFunctions } from '../funcs/index.js';
import { capabilities, DEFAULT_API_VERSIONS, parseKubeVersion, toRenderValues } from './render-values.js';

const chart: Chart = {
  metadata: { name: 'app', version: '1.2.3', appVersion: '4.5', annotations: { a: 'b' } },
  templates: [],
  files: [],
  values: { replicas: 1, image: { tag: 'x' } },
  dependencies: [],
};

function render(text: string, top: GoMap): string {
  return Template.parse('t', text, { funcs: helmFunctions() }).execute(top);
}

describe('toRenderValues', () => {
  it('builds Release, Chart, Capabilities and coalesced Values', () => {
    const top = toRenderValues(chart, { replicas: 3 }, { name: 'rel', namespace: 'ns' });
    expect(
      render(
        '{{ .Release.Name }} {{ .Release.Namespace }} {{ .Release.Revision }} {{ .Release.IsInstall }} {{ .Release.IsUpgrade }} {{ .Release.Service }}',
        top,
      ),
    ).toBe('rel ns 1 true false Helm');
    expect(
      render(
        '{{ .Chart.Name }} {{ .Chart.Version }} {{ .Chart.AppVersion }} {{ .Chart.Annotations.a }} {{ .Chart.Keywords }}',
        top,
      ),
    ).toBe('app 1.2.3 4.5 b []');
    expect(top['Values']).toEqual({ replicas: 3, image: { tag: 'x' } });
    expect(() => render('{{ .Chart.Nope }}', top)).toThrow("can't evaluate field Nope");
  });
});

describe('capabilities', () => {
  it('defaults to Helm test build kube version and the built-in API versions', () => {
    const top = { Capabilities: capabilities() };
    expect(
      render(
        '{{ .Capabilities.KubeVersion.Version }} {{ .Capabilities.KubeVersion.Major }}.{{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.KubeVersion.GitVersion }}',
        top,
      ),
    ).toBe('v1.20.0 1.20 v1.20.0');
    expect(
      render('{{ .Capabilities.APIVersions.Has "policy/v1" }} {{ .Capabilities.HelmVersion.Version }}', top),
    ).toBe('true v3.21.4');
    expect(DEFAULT_API_VERSIONS).toContain('apiextensions.k8s.io/v1');
  });

  it('takes --kube-version and --api-versions', () => {
    const top = {
      Capabilities: capabilities({ kubeVersion: '1.29', apiVersions: ['example.com/v1/Thing'] }),
    };
    expect(
      render(
        '{{ .Capabilities.KubeVersion }} {{ .Capabilities.APIVersions.Has "example.com/v1/Thing" }}',
        top,
      ),
    ).toBe('v1.29.0 true');
    expect(render('{{ semverCompare ">=1.21-0" .Capabilities.KubeVersion.Version }}', top)).toBe('true');
  });

  it('parses kube versions as Helm does', () => {
    expect(parseKubeVersion('v1.34.0')).toEqual({ version: 'v1.34.0', major: '1', minor: '34' });
    expect(() => parseKubeVersion('banana')).toThrow('invalid kube version');
  });
});
