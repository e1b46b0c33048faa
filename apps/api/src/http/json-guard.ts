/** Names no Annals body uses, which class-transformer would silently skip instead of refusing as unknown. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype).concat(['prototype']));

/** Deeper than any Annals body: refusing early keeps class-transformer's recursion off the stack's edge. */
export const MAX_JSON_DEPTH = 32;

/** Returns why a parsed JSON value is refused (too deep, a prototype-named key), or undefined. */
export function inspectJson(value: unknown): string | undefined {
  const stack: Array<{ value: unknown; depth: number; path: string }> = [{ value, depth: 0, path: '' }];
  while (stack.length > 0) {
    const { value: current, depth, path } = stack.pop()!;
    // NUL has no place in a record of events, and PostgreSQL text cannot hold it.
    if (typeof current === 'string' && current.includes('\u0000')) return `${path || 'body'} must not contain a NUL character`;
    if (current === null || typeof current !== 'object') continue;
    if (depth >= MAX_JSON_DEPTH) return `the body is nested deeper than ${MAX_JSON_DEPTH} levels`;
    for (const [key, child] of Object.entries(current as Record<string, unknown>)) {
      const field = path ? `${path}.${key}` : key;
      if (!Array.isArray(current) && PROTOTYPE_NAMES.has(key)) return `${field} is not an allowed field`;
      stack.push({ value: child, depth: depth + 1, path: field });
    }
  }
  return undefined;
}
