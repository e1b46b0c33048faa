import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

type Json = Record<string, any>;

export interface CheckedAnswer {
  readonly operationId: string;
  readonly status: number;
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

/**
 * Checks live answers against the service's own OpenAPI document with a JSON Schema validator (ajv): the status
 * must be listed for the operation, the content type must be listed for that status, the body must match its
 * schema and listed headers (Location, Retry-After) must be there. Every object schema of the document is made
 * closed (`additionalProperties: false` unless it says otherwise), so a field the document does not describe fails.
 */
export class OpenApiContract {
  private readonly ajv: Ajv;
  private readonly validators = new Map<string, ValidateFunction>();
  readonly checked: CheckedAnswer[] = [];

  constructor(readonly document: Json) {
    this.ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.ajv);
    const closed = structuredClone(document);
    for (const schema of Object.values<Json>(closed.components?.schemas ?? {})) close(schema);
    this.ajv.addSchema({ ...closed, $id: 'annals' });
  }

  /** The operation a concrete request path and method is answered by. */
  operation(method: string, url: string): { path: string; operation: Json } {
    const pathname = new URL(url, 'http://x').pathname;
    for (const [template, item] of Object.entries<Json>(this.document.paths)) {
      const pattern = new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      if (pattern.test(pathname) && item[method.toLowerCase()]) return { path: template, operation: item[method.toLowerCase()] };
    }
    throw new Error(`${method} ${pathname} is not in the OpenAPI document`);
  }

  operations(): Array<{ method: string; path: string; operationId: string; operation: Json }> {
    return Object.entries<Json>(this.document.paths).flatMap(([path, item]) =>
      METHODS.filter((method) => item[method]).map((method) => ({
        method,
        path,
        operationId: item[method].operationId,
        operation: item[method],
      })),
    );
  }

  /** Throws (with what is wrong) unless the answer is one the document describes. */
  check(method: string, url: string, answer: { status: number; headers: Headers; text: string }): void {
    const { path, operation } = this.operation(method, url);
    const where = `${method} ${url} → ${answer.status}`;
    const response = operation.responses[String(answer.status)];
    if (!response) throw new Error(`${where}: status not documented (documented: ${Object.keys(operation.responses).join(', ')})`);
    for (const header of Object.keys(response.headers ?? {})) {
      if (header === 'WWW-Authenticate' || answer.headers.get(header) !== null) continue;
      throw new Error(`${where}: documented header ${header} is missing`);
    }
    const type = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim();
    const media = response.content?.[type];
    if (!media)
      throw new Error(`${where}: content type "${type}" not documented (documented: ${Object.keys(response.content ?? {}).join(', ')})`);
    const escaped = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');
    const pointer = `annals#/paths/${escaped(path)}/${method.toLowerCase()}/responses/${answer.status}/content/${escaped(type)}/schema`;
    let validate = this.validators.get(pointer);
    if (!validate) {
      validate = this.ajv.compile({ $ref: pointer });
      this.validators.set(pointer, validate);
    }
    const body: unknown = type.endsWith('json') ? JSON.parse(answer.text) : answer.text;
    if (!validate(body)) {
      throw new Error(
        `${where}: the body does not match the documented schema:\n${this.ajv.errorsText(validate.errors, { separator: '\n' })}\n${answer.text.slice(0, 600)}`,
      );
    }
    this.checked.push({ operationId: operation.operationId, status: answer.status });
  }
}

function close(schema: Json): void {
  if (schema === null || typeof schema !== 'object') return;
  if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined && !schema.allOf)
    schema.additionalProperties = false;
  for (const value of Object.values(schema)) {
    if (Array.isArray(value)) value.forEach((item) => close(item));
    else if (value && typeof value === 'object') close(value);
  }
}
