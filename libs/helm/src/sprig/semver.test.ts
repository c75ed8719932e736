import { describe, expect, it } from 'vitest';
import { Template } from '@flotilla/gotemplate';
import { sprigFunctions } from './index.js';

const render = (t: string): string => Template.parse('t', t, { funcs: sprigFunctions() }).execute({});

describe('semver', () => {
  it('returns a *semver.Version with Masterminds methods', () => {
    expect(
      render(
        '{{ $v := semver "v1.2.3-beta.1+meta" }}{{ $v.Major }}.{{ $v.Minor }}.{{ $v.Patch }} {{ $v.Prerelease }} {{ $v.Metadata }} {{ $v.Original }} {{ $v }}',
      ),
    ).toBe('1.2.3 beta.1 meta v1.2.3-beta.1+meta 1.2.3-beta.1+meta');
    expect(
      render(
        '{{ (semver "1.2.3").Compare (semver "1.3.0") }} {{ (semver "2.0.0").GreaterThan (semver "1.9.9") }}',
      ),
    ).toBe('-1 true');
    expect(render('{{ (semver "1.2").IncMinor }}')).toBe('1.3.0');
    expect(() => render('{{ semver "nope" }}')).toThrow('Invalid Semantic Version');
  });

  it('semverCompare reads "-0" constraints as Helm charts use them', () => {
    expect(
      render(
        '{{ semverCompare ">=1.21-0" "v1.29.0" }} {{ semverCompare ">=1.21-0" "1.29.0-gke.1" }} {{ semverCompare "<1.19-0" "1.20.0" }}',
      ),
    ).toBe('true true false');
  });
});
