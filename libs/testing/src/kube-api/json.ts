// Plain-JSON helpers. Stored objects are treated as immutable: every write builds a fresh object, so
// readers and watchers can share references without copying.

export type JsonObject = Record<string, unknown>;

/** A Kubernetes object as the double stores it. */
export type KubeObject = JsonObject & {
  apiVersion?: string;
  kind?: string;
  metadata?: JsonObject;
};

export const isObject = (value: unknown): value is JsonObject =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!deepEqual(a[i], b[i])) return false;
    return true;
  }
  if (isObject(a) && isObject(b)) {
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) if (!(key in b) || !deepEqual(a[key], b[key])) return false;
    return true;
  }
  return false;
}

/** The object's metadata, or an empty object (never undefined) for reading. */
export function metaOf(obj: KubeObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : {};
}

export function objectField(obj: JsonObject, key: string): JsonObject | undefined {
  const value = obj[key];
  return isObject(value) ? value : undefined;
}

/** Labels as a string map (non-string values are ignored; validation reports them). */
export function labelsOf(obj: KubeObject): Record<string, string> {
  const labels = metaOf(obj).labels;
  return isObject(labels) ? (labels as Record<string, string>) : {};
}

/** Reads a dotted path such as `spec.replicas`. */
export function getPath(obj: unknown, path: readonly string[]): unknown {
  let node: unknown = obj;
  for (const key of path) {
    if (!isObject(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Sets a dotted path, creating intermediate objects; mutates `obj`. */
export function setPath(obj: JsonObject, path: readonly string[], value: unknown): void {
  let node = obj;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (isObject(next)) node = next;
    else {
      const created: JsonObject = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}
