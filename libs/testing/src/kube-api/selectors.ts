// Label and field selectors as the API server parses them (k8s.io/apimachinery labels/fields).
import { badRequest } from './errors.js';

export type LabelOperator = 'exists' | 'notexists' | '=' | '!=' | 'in' | 'notin' | '>' | '<';

export interface LabelRequirement {
  key: string;
  operator: LabelOperator;
  values: string[];
}

/** A parsed label selector; the empty selector (no requirements) matches everything. */
export interface LabelSelector {
  requirements: LabelRequirement[];
  matches(labels: Readonly<Record<string, string>>): boolean;
}

const QUALIFIED_NAME =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Whether a label key is a valid qualified name (prefix ≤253, name ≤63). */
export function isQualifiedName(key: string): boolean {
  if (!QUALIFIED_NAME.test(key)) return false;
  const slash = key.indexOf('/');
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return name.length <= 63 && (slash < 0 || slash <= 253);
}

export function isLabelValue(value: string): boolean {
  return value.length <= 63 && LABEL_VALUE.test(value);
}

function requirementMatches(req: LabelRequirement, labels: Readonly<Record<string, string>>): boolean {
  const has = Object.prototype.hasOwnProperty.call(labels, req.key);
  const value = has ? labels[req.key] : undefined;
  switch (req.operator) {
    case 'exists':
      return has;
    case 'notexists':
      return !has;
    case '=':
    case 'in':
      return has && req.values.includes(value as string);
    case '!=':
    case 'notin':
      return !has || !req.values.includes(value as string);
    case '>':
    case '<': {
      if (!has || !/^-?\d+$/.test(value as string)) return false;
      const left = Number(value);
      const right = Number(req.values[0]);
      return req.operator === '>' ? left > right : left < right;
    }
  }
}

function makeLabelSelector(requirements: LabelRequirement[]): LabelSelector {
  return {
    requirements,
    matches: (labels) => requirements.every((req) => requirementMatches(req, labels)),
  };
}

export const EVERYTHING: LabelSelector = makeLabelSelector([]);

/** Splits on commas that are not inside parentheses. */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of text) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += ch;
  }
  parts.push(current);
  return parts;
}

function selectorError(selector: string, detail: string): Error {
  return badRequest(`unable to parse requirement: ${detail}`, [
    { reason: 'FieldValueInvalid', message: `${detail} in selector "${selector}"`, field: 'labelSelector' },
  ]);
}

const SET_REQUIREMENT = /^(\S+?)\s+(in|notin)\s*\((.*)\)$/;
const COMPARISON = /^([^!=<>\s]+)\s*(==|=|!=|>|<)\s*(.*)$/;

function parseRequirement(raw: string, selector: string): LabelRequirement {
  const text = raw.trim();
  const set = SET_REQUIREMENT.exec(text);
  let requirement: LabelRequirement;
  if (set) {
    const inner = (set[3] ?? '').trim();
    const values = inner === '' ? [] : inner.split(',').map((v) => v.trim());
    requirement = { key: set[1] as string, operator: set[2] as 'in' | 'notin', values };
  } else if (text.startsWith('!')) {
    requirement = { key: text.slice(1).trim(), operator: 'notexists', values: [] };
  } else {
    const cmp = COMPARISON.exec(text);
    if (cmp) {
      const op = cmp[2] === '==' ? '=' : (cmp[2] as LabelOperator);
      requirement = { key: cmp[1] as string, operator: op, values: [(cmp[3] ?? '').trim()] };
    } else requirement = { key: text, operator: 'exists', values: [] };
  }
  validateRequirement(requirement, selector);
  return requirement;
}

function validateRequirement(req: LabelRequirement, selector: string): void {
  if (!isQualifiedName(req.key)) throw selectorError(selector, `invalid label key "${req.key}"`);
  if (req.operator === '>' || req.operator === '<') {
    if (!/^-?\d+$/.test(req.values[0] ?? '')) {
      throw selectorError(selector, `for 'Gt', 'Lt' operators, the value must be an integer`);
    }
    return;
  }
  for (const value of req.values) {
    if (!isLabelValue(value)) throw selectorError(selector, `invalid label value: "${value}"`);
  }
  if ((req.operator === 'in' || req.operator === 'notin') && req.values.length === 0) {
    throw selectorError(selector, `for 'in', 'notin' operators, values set can't be empty`);
  }
}

/** Parses `labelSelector`; a malformed selector is a 400. */
export function parseLabelSelector(selector: string | undefined): LabelSelector {
  if (selector === undefined || selector.trim() === '') return EVERYTHING;
  const requirements = splitTopLevel(selector).map((part) => {
    if (part.trim() === '') throw selectorError(selector, 'found empty requirement');
    return parseRequirement(part, selector);
  });
  return makeLabelSelector(requirements);
}

/** metav1.LabelSelector (matchLabels + matchExpressions) → selector; used for workload selectors. */
export function labelSelectorFromObject(value: unknown): LabelSelector {
  const requirements: LabelRequirement[] = [];
  if (typeof value !== 'object' || value === null) return EVERYTHING;
  const { matchLabels, matchExpressions } = value as {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  };
  for (const [key, v] of Object.entries(matchLabels ?? {}))
    requirements.push({ key, operator: '=', values: [v] });
  for (const expr of matchExpressions ?? []) {
    const operator = ({ In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' } as const)[
      expr.operator as 'In'
    ];
    if (operator) requirements.push({ key: expr.key, operator, values: expr.values ?? [] });
  }
  return makeLabelSelector(requirements);
}

/** The label selector rendered back to its query form (Scale status.selector). */
export function formatLabelSelector(selector: LabelSelector): string {
  return selector.requirements
    .map((r) => {
      switch (r.operator) {
        case 'exists':
          return r.key;
        case 'notexists':
          return `!${r.key}`;
        case 'in':
        case 'notin':
          return `${r.key} ${r.operator} (${r.values.join(',')})`;
        default:
          return `${r.key}${r.operator}${r.values[0]}`;
      }
    })
    .join(',');
}

// ---------------------------------------------------------------------------------------------
// Field selectors

export interface FieldRequirement {
  field: string;
  equal: boolean;
  value: string;
}

export interface FieldSelector {
  requirements: FieldRequirement[];
  matches(fields: Readonly<Record<string, string>>): boolean;
}

/** Splits on unescaped commas and unescapes `\,` `\=` `\\`. */
function splitFieldTerms(selector: string): string[] {
  const terms: string[] = [];
  let current = '';
  for (let i = 0; i < selector.length; i++) {
    const ch = selector[i] as string;
    if (ch === '\\' && i + 1 < selector.length) {
      current += ch + selector[i + 1];
      i++;
    } else if (ch === ',') {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms;
}

const unescapeField = (text: string): string => text.replace(/\\(.)/g, '$1');

/** Splits `field<op>value` at the first unescaped operator. */
function parseFieldTerm(term: string): FieldRequirement {
  for (let i = 0; i < term.length; i++) {
    const ch = term[i];
    if (ch === '\\') {
      i++;
      continue;
    }
    if (ch !== '=' && !(ch === '!' && term[i + 1] === '=')) continue;
    const op = ch === '!' ? '!=' : term[i + 1] === '=' ? '==' : '=';
    return {
      field: term.slice(0, i).trim(),
      equal: op !== '!=',
      value: unescapeField(term.slice(i + op.length)),
    };
  }
  throw badRequest(`invalid selector: '${term}'; can't understand '${term}'`);
}

/**
 * Parses `fieldSelector` and checks each field against the ones the resource supports
 * (`field label not supported` otherwise).
 */
export function parseFieldSelector(
  selector: string | undefined,
  supported: ReadonlySet<string>,
): FieldSelector {
  const requirements: FieldRequirement[] = [];
  if (selector !== undefined && selector.trim() !== '') {
    for (const term of splitFieldTerms(selector)) {
      if (term.trim() === '') continue;
      const req = parseFieldTerm(term);
      if (!supported.has(req.field)) throw badRequest(`field label not supported: ${req.field}`);
      requirements.push(req);
    }
  }
  return {
    requirements,
    matches: (fields) => requirements.every((r) => ((fields[r.field] ?? '') === r.value) === r.equal),
  };
}
