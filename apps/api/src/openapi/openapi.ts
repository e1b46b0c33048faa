import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule, getSchemaPath, type OpenAPIObject } from '@nestjs/swagger';
import { SCOPE_EXTENSION, type Scope } from '../access/require-scope.decorator';
import { PROBLEM_MEDIA_TYPE, ProblemDto } from '../http/problem.docs';
import { kindSchemas } from './kind-schemas';

type Operation = NonNullable<OpenAPIObject['paths'][string]['get']>;
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

const SECURITY_BY_SCOPE: Record<Scope, Operation['security']> = {
  public: [],
  // Reads are public unless PUBLIC_READS=false: a key is optional, and sent when one is authorized.
  read: [{}, { bearer: [] }],
  write: [{ bearer: [] }],
  admin: [{ bearer: [] }],
};

const SCOPE_NOTE: Record<Scope, string> = {
  public: 'Never needs a key.',
  read: 'With `API_KEYS` configured: public unless `PUBLIC_READS=false`, then any key (scope `read` or more).',
  write: 'With `API_KEYS` configured: a key with scope `write` or `admin`.',
  admin: 'With `API_KEYS` configured: a key with scope `admin`.',
};

const REQUEST_ID_HEADER = {
  description: 'The request id: the `x-request-id` the request came with (a plain token), else one made for it; also in the log line',
  schema: { type: 'string', example: '3f6c1d2e-8a4b-4c5d-9e7f-0a1b2c3d4e5f' },
};

/**
 * The OpenAPI document of every controller, completed where decorators cannot say it once for all: each
 * operation's security requirement follows from its scope, and any status it does not list is a problem too.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Annals')
      .setDescription(
        [
          'An event-sourced timeline of international relations: record developments with their sources, correct them, and read timelines as of any date and as known at any instant.',
          '',
          'Errors are RFC 9457 problem details (`application/problem+json`) with a stable `code`. Every write answers a `position`: pass it as `minPosition` to any read to read your write.',
          'Partial dates are `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; countries are ISO 3166-1 alpha-2 or alpha-3 in any case on input, alpha-2 upper case on output.',
        ].join('\n'),
      )
      .setVersion('1')
      .setLicense('MIT', 'https://opensource.org/licenses/MIT')
      .addServer('/', 'This service')
      .addBearerAuth(
        {
          type: 'http',
          scheme: 'bearer',
          description: 'An API key from `API_KEYS` (`name:key:scope`). Without `API_KEYS` configured the service needs no key.',
        },
        'bearer',
      )
      .build(),
    { operationIdFactory: (controller, method) => `${controller}_${method}` },
  );
  document.components = { ...document.components, schemas: { ...document.components?.schemas, ...kindSchemas() } };
  for (const path of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = path[method];
      if (!operation) continue;
      const declared: unknown = Reflect.get(operation, SCOPE_EXTENSION);
      const scope: Scope = typeof declared === 'string' && declared in SECURITY_BY_SCOPE ? (declared as Scope) : 'read';
      operation.security = SECURITY_BY_SCOPE[scope];
      operation.description = [operation.description, `**Access**: ${SCOPE_NOTE[scope]}`].filter(Boolean).join('\n\n');
      for (const response of Object.values(operation.responses) as Array<{ headers?: Record<string, unknown> }>)
        response.headers = { ...response.headers, 'X-Request-Id': REQUEST_ID_HEADER };
      operation.responses.default = {
        description: 'Any other failure, as problem details (e.g. 500 `INTERNAL_ERROR`)',
        headers: { 'X-Request-Id': REQUEST_ID_HEADER },
        content: { [PROBLEM_MEDIA_TYPE]: { schema: { $ref: getSchemaPath(ProblemDto) } } },
      };
    }
  }
  inlineNullableReferences(document);
  return document;
}

/**
 * `{ nullable, allOf: [{ $ref }] }` means "that object or null" to some OpenAPI 3.0 tools and "never null" to
 * JSON Schema checkers, which apply the `allOf` to null too. The referenced object inlined beside `nullable` means
 * the same to all of them.
 */
function inlineNullableReferences(document: OpenAPIObject): void {
  const schemas = (document.components?.schemas ?? {}) as Record<string, Record<string, unknown>>;
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const schema = node as Record<string, unknown>;
    const allOf = schema.allOf;
    if (schema.nullable === true && Array.isArray(allOf) && allOf.length === 1) {
      const ref = (allOf[0] as { $ref?: unknown }).$ref;
      const target = typeof ref === 'string' ? schemas[ref.replace('#/components/schemas/', '')] : undefined;
      if (target) {
        delete schema.allOf;
        Object.assign(schema, { ...target, ...(schema.description ? { description: schema.description } : {}), nullable: true });
      }
    }
    Object.values(schema).forEach(visit);
  };
  visit(document);
}

export function setUpOpenApi(app: INestApplication): OpenAPIObject {
  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    customSiteTitle: 'Annals API',
    swaggerOptions: { persistAuthorization: true, displayOperationId: true },
  });
  return document;
}
