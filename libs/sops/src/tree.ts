// The in-memory document model, shaped like sops' own tree so that walk order, paths and MAC
// bytes are the same as the Go implementation's: an ordered branch of items whose keys are
// strings or comments, lists that do not add to the path, and typed scalars (int as bigint,
// float as number, so that `1` and `1.0` keep the type sops gives them).

/** A comment line (without its `#`/`;`), kept in the tree so it can be encrypted like a value. */
export class Comment {
  constructor(readonly value: string) {}
}

/** A scalar: str, int (bigint), float (number), bool, bytes, or null (never encrypted). */
export type Scalar = string | bigint | number | boolean | Uint8Array | null;
export type TreeValue = Scalar | Comment | Branch | TreeValue[];

export interface TreeItem {
  key: string | Comment;
  value: TreeValue;
}

/** An ordered mapping; sops' TreeBranch. */
export class Branch {
  constructor(readonly items: TreeItem[] = []) {}

  get(key: string): TreeValue | undefined {
    return this.items.find((item) => item.key === key)?.value;
  }

  without(key: string): Branch {
    return new Branch(this.items.filter((item) => item.key !== key));
  }
}

export function isBranch(value: unknown): value is Branch {
  return value instanceof Branch;
}

/** Turns a tree value into plain JavaScript data (ints stay bigint), for metadata reading. */
export function toPlain(value: TreeValue): unknown {
  if (value instanceof Branch) {
    const out: Record<string, unknown> = {};
    for (const item of value.items) {
      if (typeof item.key === 'string') out[item.key] = toPlain(item.value);
    }
    return out;
  }
  if (Array.isArray(value)) return value.filter((v) => !(v instanceof Comment)).map(toPlain);
  if (value instanceof Comment) return value.value;
  return value;
}

/** Turns plain JavaScript data into a tree value, keeping object key order. */
export function fromPlain(value: unknown): TreeValue {
  if (value === undefined || value === null) return null;
  if (Array.isArray(value)) return value.map(fromPlain);
  if (typeof value === 'object' && !(value instanceof Uint8Array)) {
    return new Branch(
      Object.entries(value as Record<string, unknown>)
        .filter(([, v]) => v !== undefined)
        .map(([key, v]) => ({ key, value: fromPlain(v) })),
    );
  }
  return value as Scalar;
}
