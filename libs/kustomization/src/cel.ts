// CEL rules of a Kustomization: `healthCheckExprs` (custom kinds' health, kustomize.md §9) and
// `dependsOn[].readyExpr` (README dependsOn). Compiled once per reconcile; a bad expression
// stalls the object (InvalidCELExpression).
import { parse } from '@marcbachmann/cel-js';
import type { ApiObject } from '@flotilla/runtime';
import type { HealthResult } from '@flotilla/ssa';

export class InvalidExpressionError extends Error {
  readonly code = 'INVALID_CEL_EXPRESSION';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidExpressionError';
  }
}

export type Program = (context: Record<string, unknown>) => unknown;

export function compile(expression: string, what: string): Program {
  try {
    const program = parse(expression);
    return (context) => program(context) as unknown;
  } catch (error) {
    throw new InvalidExpressionError(`failed to parse ${what} '${expression}': ${(error as Error).message}`);
  }
}

export interface HealthCheckExpr {
  apiVersion: string;
  kind?: string;
  current: string;
  inProgress?: string;
  failed?: string;
}

interface CompiledRule {
  group: string;
  kind?: string;
  current: Program;
  inProgress?: Program;
  failed?: Program;
}

const groupOf = (apiVersion: string) => (apiVersion.includes('/') ? apiVersion.split('/')[0] : '') ?? '';

function truthy(program: Program | undefined, obj: ApiObject): boolean {
  if (!program) return false;
  try {
    return program(obj as Record<string, unknown>) === true;
  } catch {
    // A field the expression reads may not be there yet: not true.
    return false;
  }
}

/** A health evaluator for ResourceManager.waitForHealth; undefined for objects no rule matches. */
export function compileHealthChecks(
  exprs: readonly HealthCheckExpr[],
): (obj: ApiObject) => HealthResult | undefined {
  const rules: CompiledRule[] = exprs.map((e, i) => ({
    group: groupOf(e.apiVersion),
    kind: e.kind,
    current: compile(e.current, `healthCheckExprs[${i}].current`),
    inProgress: e.inProgress ? compile(e.inProgress, `healthCheckExprs[${i}].inProgress`) : undefined,
    failed: e.failed ? compile(e.failed, `healthCheckExprs[${i}].failed`) : undefined,
  }));
  return (obj) => {
    const group = groupOf(obj.apiVersion ?? '');
    const matching = rules.filter((r) => r.group === group && (r.kind === undefined || r.kind === obj.kind));
    const rule = matching.find((r) => r.kind !== undefined) ?? matching[0];
    if (!rule) return undefined;
    const observed = (obj.status as { observedGeneration?: unknown } | undefined)?.observedGeneration;
    if (typeof observed === 'number' && observed !== obj.metadata?.generation)
      return { status: 'InProgress', message: 'generation not observed yet' };
    if (truthy(rule.inProgress, obj))
      return { status: 'InProgress', message: 'inProgress expression is true' };
    if (truthy(rule.failed, obj)) return { status: 'Failed', message: 'failed expression is true' };
    if (truthy(rule.current, obj)) return { status: 'Current', message: 'current expression is true' };
    return { status: 'InProgress', message: 'no health expression is true yet' };
  };
}
