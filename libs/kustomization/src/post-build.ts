// spec.postBuild (kustomize.md §4): variables from substituteFrom ConfigMaps/Secrets (in order,
// later ones winning, optional ones allowed to be missing) and `substitute` on top; every object
// substituted on its YAML text and re-read as YAML, unless marked `substitute: disabled`.
import { builtinSchemaFor, fieldSchema, itemSchema, type TypeSchema } from '@flotilla/kube-patch';
import { SECRETS, CONFIG_MAPS, isNotFound, type ApiObject, type KubeClient } from '@flotilla/runtime';
import { parse, stringify } from 'yaml';
import { envsubst, SubstitutionError, VARIABLE_NAME } from './envsubst.js';

export const SUBSTITUTE_KEY = 'kustomize.toolkit.fluxcd.io/substitute';

export interface PostBuild {
  substitute?: Record<string, string>;
  substituteFrom?: { kind: 'ConfigMap' | 'Secret'; name: string; optional?: boolean }[];
  substituteStrategy?: 'WithVariables' | 'Always';
}

export class VariablesError extends Error {
  readonly code = 'POSTBUILD_VARIABLES';
  constructor(message: string) {
    super(message);
    this.name = 'VariablesError';
  }
}

function dataOf(obj: ApiObject, kind: 'ConfigMap' | 'Secret'): Record<string, string> {
  const data = (obj.data ?? {}) as Record<string, string>;
  if (kind === 'ConfigMap') return { ...data };
  return Object.fromEntries(
    Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

/** The variables of a postBuild section, read from the local cluster in `namespace`. */
export async function loadVariables(
  client: KubeClient,
  namespace: string,
  postBuild: PostBuild,
): Promise<Record<string, string>> {
  const vars: Record<string, string> = {};
  for (const ref of postBuild.substituteFrom ?? []) {
    const resource = ref.kind === 'Secret' ? SECRETS : CONFIG_MAPS;
    let obj: ApiObject;
    try {
      obj = await client.get(resource, namespace, ref.name);
    } catch (error) {
      if (isNotFound(error) && ref.optional) continue;
      if (isNotFound(error))
        throw new VariablesError(
          `substitute from '${ref.kind}/${ref.name}' failed: ${ref.kind} '${namespace}/${ref.name}' not found`,
        );
      throw error;
    }
    Object.assign(vars, dataOf(obj, ref.kind));
  }
  Object.assign(vars, postBuild.substitute ?? {});
  for (const [name, value] of Object.entries(vars)) {
    if (!VARIABLE_NAME.test(name))
      throw new VariablesError(
        `'${name}' var name is invalid, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`,
      );
    vars[name] = value.replaceAll('\n', '');
  }
  return vars;
}

function disabled(obj: ApiObject): boolean {
  return (
    obj.metadata?.labels?.[SUBSTITUTE_KEY] === 'disabled' ||
    obj.metadata?.annotations?.[SUBSTITUTE_KEY] === 'disabled'
  );
}

function gvkName(obj: ApiObject): string {
  return `${obj.apiVersion ?? ''}, Kind=${obj.kind ?? ''}/${obj.metadata?.name ?? ''}`;
}

/**
 * Substitutes every object (not those opted out). With strategy WithVariables nothing happens
 * when there are no variables at all, so `${var:=default}` keeps its literal text.
 */
export function substituteObjects(
  objects: ApiObject[],
  vars: Record<string, string>,
  strategy: PostBuild['substituteStrategy'] = 'WithVariables',
): ApiObject[] {
  if (strategy !== 'Always' && Object.keys(vars).length === 0) return objects;
  const lookup = (name: string) => (Object.hasOwn(vars, name) ? vars[name] : undefined);
  return objects.map((obj) => {
    if (disabled(obj)) return obj;
    try {
      const text = envsubst(stringify(obj, { lineWidth: 0 }), lookup);
      const substituted = parse(text) as ApiObject;
      const schema = builtinSchemaFor(obj.apiVersion ?? '', obj.kind ?? '');
      return schema ? (keepStrings(obj, substituted, schema) as ApiObject) : substituted;
    } catch (error) {
      const message = error instanceof SubstitutionError ? error.message : (error as Error).message;
      throw new VariablesError(`post build failed for '${gvkName(obj)}': ${message}`);
    }
  });
}

/**
 * Re-typing by YAML turns `"${ENABLED}"` into `true`, as Flux does when the manifest left it
 * unquoted. Built objects no longer know their quoting, so for built-in kinds a value that was
 * a string before substitution stays a string where the Kubernetes schema wants one (ConfigMap
 * data, labels, env values…); numbers and booleans stay re-typed where the schema wants those.
 */
function keepStrings(before: unknown, after: unknown, schema: TypeSchema): unknown {
  if (typeof before === 'string') {
    const wantsString = schema.kind === 'scalar' && schema.type === 'string';
    return wantsString && (typeof after === 'number' || typeof after === 'boolean') ? String(after) : after;
  }
  if (Array.isArray(before) && Array.isArray(after))
    return after.map((item, i) => keepStrings(before[i], item, itemSchema(schema)));
  if (isPlainObject(before) && isPlainObject(after)) {
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(after))
      out[key] = keepStrings(before[key], value, fieldSchema(schema, key));
    return out;
  }
  return after;
}

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);
