// metav1.Time rendering (kube-api.md §0). MicroTime fields (Lease, Event eventTime) are stored as sent.

/** RFC 3339 UTC with whole seconds: `2024-05-01T12:00:00Z`. */
export function formatTime(date: Date = new Date()): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;

/** Re-renders a client-supplied metav1.Time (fractions allowed in) as whole-second UTC; undefined if not a time. */
export function normaliseTime(value: unknown): string | undefined {
  if (typeof value !== 'string' || !RFC3339.test(value)) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : formatTime(date);
}
