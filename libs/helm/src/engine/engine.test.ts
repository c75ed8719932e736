import { describe, expect, it } from 'vitest';
import type { GoMap } from '@flotilla/gotemplate';
import type { Chart } from '../chart/types.js';
import { capabilities, chartMetadataValue } from '../values/render-values.js';
import {
  RenderError,
  renderChart,
  renderTemplates,
  sortTemplates,
  type Renderable,
  type RenderOptions,
} from './engine.js';

const utf8 = new TextEncoder();

interface Spec {
  name: string;
  type?: string;
  templates?: Record<string, string>;
  files?: Record<string, string>;
  values?: GoMap;
  deps?: Spec[];
}

function chart(spec: Spec, parent?: Chart): Chart {
  const c: Chart = {
    metadata: { name: spec.name, version: '0.1.0', ...(spec.type ? { type: spec.type } : {}) },
    templates: Object.entries(spec.templates ?? {}).map(([n, t]) => ({
      name: `templates/${n}`,
      data: utf8.encode(t),
    })),
    files: Object.entries(spec.files ?? {}).map(([n, t]) => ({ name: n, data: utf8.encode(t) })),
    values: spec.values ?? {},
    dependencies: [],
    ...(parent ? { parent } : {}),
  };
  c.dependencies = (spec.deps ?? []).map((d) => chart(d, c));
  return c;
}

function render(spec: Spec, values: GoMap = {}, options: RenderOptions = {}): Record<string, string> {
  const c = chart(spec);
  return renderChart(
    c,
    {
      Values: values,
      Release: { Name: 'rel', Namespace: 'ns' },
      Capabilities: capabilities(),
      Chart: chartMetadataValue(c.metadata),
    },
    options,
  );
}

function renderError(spec: Spec, values: GoMap = {}, options: RenderOptions = {}): string {
  try {
    render(spec, values, options);
  } catch (e) {
    expect(e).toBeInstanceOf(RenderError);
    return (e as Error).message;
  }
  throw new Error('expected a render error');
}

describe('renderChart', () => {
  it('renders every non-partial template with chart-scoped values and builtin objects', () => {
    const out = render(
      {
        name: 'top',
        templates: {
          'a.yaml':
            '{{ .Values.x }} {{ .Release.Name }} {{ .Chart.Name }} {{ .Chart.IsRoot }} {{ .Template.Name }} {{ .Template.BasePath }}',
          '_helpers.tpl': '{{ define "h" }}helper{{ end }}',
        },
        deps: [
          {
            name: 'sub',
            templates: {
              'b.yaml': '{{ .Values.y }} {{ .Values.global.g }} {{ .Chart.IsRoot }} {{ .Template.Name }}',
            },
          },
        ],
      },
      { x: 'X', sub: { y: 'Y', global: { g: 'G' } } },
    );
    expect(out).toEqual({
      'top/templates/a.yaml': 'X rel top true top/templates/a.yaml top/templates',
      'top/charts/sub/templates/b.yaml': 'Y G false top/charts/sub/templates/b.yaml',
    });
  });

  it('replaces <no value> with "" and supports strict mode', () => {
    expect(render({ name: 'c', templates: { t: '[{{ .Values.missing }}]' } })['c/templates/t']).toBe('[]');
    expect(renderError({ name: 'c', templates: { t: '{{ .Values.missing }}' } }, {}, { strict: true })).toBe(
      'template: c/templates/t:1:10: executing "c/templates/t" at <.Values.missing>: map has no entry for key "missing"',
    );
  });

  it('lets top-level definitions override deeper ones (Helm parse order)', () => {
    expect(sortTemplates(['a/templates/x', 'a/charts/b/templates/y', 'a/templates/y'])).toEqual([
      'a/charts/b/templates/y',
      'a/templates/y',
      'a/templates/x',
    ]);
    const out = render({
      name: 'p',
      templates: {
        'a.yaml': '{{ include "d" . }}',
        '_z.tpl': '{{ define "d" }}z{{ end }}',
        '_a.tpl': '{{ define "d" }}a{{ end }}',
      },
      deps: [
        {
          name: 'c',
          templates: { '_h.tpl': '{{ define "d" }}child{{ end }}', 'c.yaml': '{{ include "d" . }}' },
        },
      ],
    });
    expect(out['p/templates/a.yaml']).toBe('a');
    expect(out['p/charts/c/templates/c.yaml']).toBe('a');
  });

  it('renders only partials of library charts', () => {
    const out = render({
      name: 'app',
      templates: { 'a.yaml': '{{ include "lib.x" . }}' },
      deps: [
        {
          name: 'lib',
          type: 'library',
          templates: { '_x.tpl': '{{ define "lib.x" }}from-lib{{ end }}', 'y.yaml': 'never' },
        },
      ],
    });
    expect(out).toEqual({ 'app/templates/a.yaml': 'from-lib' });
  });

  it('gives .Files with Get, Glob, Lines, AsConfig and AsSecrets, and .Subcharts', () => {
    const files = { 'conf/a.txt': 'A', 'conf/b.txt': 'B\nC\n', 'other/c.json': '{}' };
    const out = render(
      {
        name: 'f',
        files,
        templates: {
          get: '{{ .Files.Get "conf/a.txt" }}|{{ .Files.Get "nope" }}',
          glob: '{{ range $p, $_ := .Files.Glob "conf/*" }}{{ $p }};{{ end }}{{ len (.Files.Glob "**.json") }}',
          lines: '{{ range .Files.Lines "conf/b.txt" }}<{{ . }}>{{ end }}',
          config: '{{ (.Files.Glob "conf/*").AsConfig }}',
          secrets: '{{ (.Files.Glob "conf/a.txt").AsSecrets }}',
          sub: '{{ .Subcharts.s.Values.v }} {{ .Subcharts.s.Chart.Name }}',
        },
        deps: [{ name: 's', values: {} }],
      },
      { s: { v: 'sv' } },
    );
    expect(out['f/templates/get']).toBe('A|');
    expect(out['f/templates/glob']).toBe('conf/a.txt;conf/b.txt;1');
    expect(out['f/templates/lines']).toBe('<B><C>');
    expect(out['f/templates/config']).toBe('a.txt: A\nb.txt: |\n  B\n  C');
    expect(out['f/templates/secrets']).toBe('a.txt: QQ==');
    expect(out['f/templates/sub']).toBe('sv s');
  });

  it('exposes Capabilities like Helm', () => {
    const out = render({
      name: 'k',
      templates: {
        t: '{{ .Capabilities.KubeVersion }} {{ .Capabilities.KubeVersion.Minor }} {{ .Capabilities.APIVersions.Has "apps/v1" }} {{ .Capabilities.APIVersions.Has "x/v9" }}',
      },
    });
    expect(out['k/templates/t']).toBe('v1.20.0 20 true false');
  });
});

describe('include, tpl, required, fail', () => {
  it('tpl sees its own defines but does not leak them', () => {
    const out = render(
      {
        name: 't',
        templates: { a: '{{ define "x" }}orig{{ end }}{{ tpl .Values.text . }}/{{ include "x" . }}' },
      },
      { text: '{{ define "x" }}mine{{ end }}{{ include "x" . }}-{{ .Values.v }}', v: 'V' },
    );
    expect(out['t/templates/a']).toBe('mine-V/orig');
  });

  it('wraps tpl errors as Helm does', () => {
    expect(renderError({ name: 't', templates: { a: '{{ tpl "{{ fail \\"no\\" }}" . }}' } })).toBe(
      'execution error at (t/templates/a:1:3): no',
    );
    expect(renderError({ name: 't', templates: { a: '{{ tpl "{{ .x.y.z }" . }}' } })).toContain(
      'error calling tpl: cannot parse template "{{ .x.y.z }": template: gotpl:1: ',
    );
  });

  it('required and fail abort with their message unless linting', () => {
    const spec = {
      name: 'r',
      templates: { a: 'v={{ required "need v" .Values.v }}', b: 'x{{ fail "stop" }}' },
    };
    expect(renderError({ name: 'r', templates: { a: spec.templates.a } })).toBe(
      'execution error at (r/templates/a:1:5): need v',
    );
    expect(renderError({ name: 'r', templates: { b: spec.templates.b } })).toBe(
      'execution error at (r/templates/b:1:4): stop',
    );
    expect(render(spec, {}, { lintMode: true })).toEqual({ 'r/templates/a': 'v=', 'r/templates/b': 'x' });
    expect(render(spec, { v: 1 }, { lintMode: true })['r/templates/a']).toBe('v=1');
  });

  it('reports parse errors with their location', () => {
    const tpls = new Map<string, Renderable>([['bad', { tpl: '{{ nosuch }}', vals: {}, basePath: '' }]]);
    expect(() => renderTemplates(tpls)).toThrow('parse error at (bad:1): function "nosuch" not defined');
  });
});

describe('hostile templates end in errors, quickly', () => {
  const quick = (fn: () => unknown): number => {
    const start = performance.now();
    fn();
    return performance.now() - start;
  };

  it("infinite include recursion hits Helm's nested reference limit", () => {
    let message = '';
    const ms = quick(() => {
      message = renderError({
        name: 'r',
        templates: { a: '{{ define "loop" }}{{ include "loop" . }}{{ end }}{{ include "loop" . }}' },
      });
    });
    expect(
      message.endsWith('rendering template has a nested reference name: loop: unable to execute template'),
    ).toBe(true);
    expect(ms).toBeLessThan(10_000);
  });

  it('infinite tpl recursion ends in an error', () => {
    expect(
      renderError({ name: 'r', templates: { a: '{{ tpl .Values.x . }}' } }, { x: '{{ tpl .Values.x . }}' }),
    ).toMatch(/error calling tpl/);
  });

  it('infinite {{template}} recursion stops at the depth limit', () => {
    const message = renderError({
      name: 'r',
      templates: { a: '{{ define "t" }}{{ template "t" . }}{{ end }}{{ template "t" . }}' },
    });
    expect(message).toMatch(/exceeded maximum template depth/);
  });

  it('huge ranges and fan-out recursion are bounded', () => {
    expect(renderError({ name: 'r', templates: { a: '{{ range until 1000000000 }}x{{ end }}' } })).toMatch(
      /exceeds the limit/,
    );
    const limits = { maxRangeIterations: 10_000, maxSteps: 100_000 };
    expect(
      renderError(
        {
          name: 'r',
          templates: {
            a: '{{ range until 1000 }}{{ range until 1000 }}{{ range until 1000 }}{{ end }}{{ end }}{{ end }}',
          },
        },
        {},
        { limits: { timeoutMs: 200, maxSteps: 1e12, maxRangeIterations: 1e12 } },
      ),
    ).toMatch(/time limit/);
    expect(
      renderError(
        {
          name: 'r',
          templates: { a: '{{ range $i := until 1000 }}{{ range $j := until 1000 }}{{ end }}{{ end }}' },
        },
        {},
        { limits },
      ),
    ).toMatch(/range iterations exceed the limit of 10000/);
    // 10^12 include calls with only 12 levels of nesting: the shared step budget stops it.
    const fanOut =
      '{{ define "f" }}{{ if gt . 0 }}{{ range until 10 }}{{ include "f" (sub $ 1) }}{{ end }}{{ end }}{{ end }}{{ include "f" 12 }}';
    const msg = renderError({ name: 'r', templates: { a: fanOut } }, {}, { limits });
    expect(msg).toMatch(/step budget/);
    expect(
      renderError(
        { name: 'r', templates: { a: '{{ range until 100 }}{{ repeat 1000000 "x" }}{{ end }}' } },
        {},
        { limits: { maxOutputLength: 1_000_000 } },
      ),
    ).toMatch(/output exceeds the limit/);
  });

  it('deeply nested data fails cleanly', () => {
    let deep: GoMap = {};
    for (let i = 0; i < 200_000; i++) deep = { d: deep };
    expect(() => render({ name: 'r', templates: { a: '{{ .Values }}' } }, deep)).toThrow(RenderError);
    expect(() => render({ name: 'r', templates: { a: '{{ toYaml .Values }}' } }, deep)).toThrow(RenderError);
  });

  it('catastrophic regexes run in linear time (RE2)', () => {
    const ms = quick(() => {
      const out = render({ name: 'r', templates: { a: `{{ regexMatch "(a+)+$" "${'a'.repeat(5000)}!" }}` } });
      expect(out['r/templates/a']).toBe('false');
    });
    expect(ms).toBeLessThan(5_000);
  });
});
