import type { SchemaObject } from '@nestjs/swagger/dist/interfaces/open-api-spec.interface';
import { z } from 'zod';
import { DEVELOPMENT_KINDS, KINDS, SCHEMA_PARTS, clientId, type DevelopmentKind } from '@annals/domain';

/** `membership-approval` → `MembershipApprovalRecording`: the body of its record endpoint. */
export const recordingSchemaName = (kind: DevelopmentKind): string =>
  `${kind.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase())}Recording`;

/**
 * The OpenAPI schemas of what users record, generated from the kinds' own schemas (what a client may send: the
 * input side of the normalizing fields), so the document cannot drift from the validation.
 */
export function kindSchemas(): Record<string, SchemaObject> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(SCHEMA_PARTS)) registry.add(schema, { id });
  for (const kind of DEVELOPMENT_KINDS)
    registry.add(KINDS[kind].content.extend({ id: clientId.optional() }), { id: recordingSchemaName(kind) });
  const { schemas } = z.toJSONSchema(registry, {
    target: 'openapi-3.0',
    io: 'input',
    uri: (id) => `#/components/schemas/${id}`,
  });
  return Object.fromEntries(
    Object.entries(schemas).map(([id, { $id: _id, ...schema }]) => [id, schema as SchemaObject]),
  );
}
