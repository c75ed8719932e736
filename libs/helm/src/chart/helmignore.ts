/**
 * `.helmignore` rules exactly as Helm's pkg/ignore applies them: shell globs per line, `!`
 * negation, a trailing `/` for directories only, a leading `/` anchoring at the chart root, and a
 * rule without `/` matching only the base name. Helm always adds `templates/.?*`.
 */
import { posix } from 'node:path';
import { HelmError } from './errors.js';
import { goMatch } from './gomatch.js';

export const HELM_IGNORE = '.helmignore';

interface Pattern {
  raw: string;
  rule: string;
  negate: boolean;
  mustDir: boolean;
  scope: 'root' | 'path' | 'base';
}

export class IgnoreRules {
  private readonly patterns: Pattern[] = [];

  /** Parses the contents of a .helmignore file. */
  static parse(text: string): IgnoreRules {
    const rules = new IgnoreRules();
    for (const line of text.split('\n')) rules.addRule(line);
    return rules;
  }

  /** Helm's defaults: dot files under templates/ are never templates. */
  addDefaults(): this {
    this.addRule('templates/.?*');
    return this;
  }

  addRule(line: string): void {
    let rule = line.trim();
    if (rule === '' || rule.startsWith('#')) return;
    if (rule.includes('**')) throw new HelmError('double-star (**) syntax is not supported');
    goMatch(rule, 'abc');
    const raw = rule;
    const negate = rule.startsWith('!');
    if (negate) rule = rule.slice(1);
    const mustDir = rule.endsWith('/');
    if (mustDir) rule = rule.slice(0, -1);
    let scope: Pattern['scope'] = 'base';
    if (rule.startsWith('/')) {
      scope = 'root';
      rule = rule.slice(1);
    } else if (rule.includes('/')) scope = 'path';
    this.patterns.push({ raw, rule, negate, mustDir, scope });
  }

  /** Whether the chart-relative path `name` (a directory when `isDir`) is ignored. */
  ignore(name: string, isDir: boolean): boolean {
    if (name === '' || name === '.' || name === './') return false;
    for (const p of this.patterns) {
      // Helm's negated rules ignore whatever they do not match (its own, surprising semantics).
      if (p.negate) {
        if (p.mustDir && !isDir) return true;
        if (!matches(p, name)) return true;
        continue;
      }
      if (p.mustDir && !isDir) continue;
      if (matches(p, name)) return true;
    }
    return false;
  }
}

function matches(p: Pattern, name: string): boolean {
  try {
    return goMatch(p.rule, p.scope === 'base' ? posix.basename(name) : name);
  } catch {
    return false;
  }
}
