/** Names no Annals body uses, which class-transformer would silently skip instead of refusing as unknown. */
const PROTOTYPE_NAMES = new Set(Object.getOwnPropertyNames(Object.prototype).concat(['prototype']));

/** Deeper than any Annals body: refusing early keeps class-transformer's recursion off the stack's edge. */
export const MAX_JSON_DEPTH = 32;

interface Node {
  readonly value: unknown;
  readonly depth: number;
  readonly parent?: Node;
  readonly key?: string;
}

/** `participants.0.name`: built only for a refusal (every line of an import passes through here). */
const pathOf = (node: Node | undefined): string => {
  const keys: string[] = [];
  for (let at = node; at?.key !== undefined; at = at.parent) keys.unshift(at.key);
  return keys.join('.');
};

/** Returns why a parsed JSON value is refused (too deep, a prototype-named key), or undefined. */
export function inspectJson(value: unknown): string | undefined {
  const stack: Node[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop()!;
    const current = node.value;
    // NUL has no place in a record of events, and PostgreSQL text cannot hold it.
    if (typeof current === 'string') {
      if (current.includes('\u0000')) return `${pathOf(node) || 'body'} must not contain a NUL character`;
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (node.depth >= MAX_JSON_DEPTH) return `the body is nested deeper than ${MAX_JSON_DEPTH} levels`;
    const array = Array.isArray(current);
    for (const key in current) {
      if (!Object.hasOwn(current, key)) continue;
      const child: Node = { value: (current as Record<string, unknown>)[key], depth: node.depth + 1, parent: node, key };
      if (!array && PROTOTYPE_NAMES.has(key)) return `${pathOf(child)} is not an allowed field`;
      stack.push(child);
    }
  }
  return undefined;
}
