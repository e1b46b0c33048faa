import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiBody, ApiConsumes, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { WriteContext } from '@annals/application';
import { DEVELOPMENT_KINDS } from '@annals/domain';
import { RequireScope } from '../access/require-scope.decorator';
import { importExample } from '../developments/development.examples';
import { ProblemException } from '../http/problem';
import { ApiProblems } from '../http/problem.docs';
import { Writer } from '../http/write-context';
import { ImportAnswer } from './import.answers';
import { NdjsonImport } from './ndjson-import';

const NDJSON_SCHEMA = {
  type: 'string',
  description: `One JSON object a line: \`{ "kind": …, …the body of that kind… }\` with kind ${DEVELOPMENT_KINDS.join(', ')}; also \`correction\` and \`retraction\` (with \`developmentId\`) and \`organization\` lines.`,
};

@ApiTags('import')
@Controller('api/import')
export class ImportController {
  constructor(private readonly importer: NdjsonImport) {}

  @Post()
  @HttpCode(200)
  @RequireScope('write')
  @ApiOperation({
    operationId: 'importDevelopments',
    summary: 'Import developments as NDJSON, one a line; each line is judged on its own, in order',
    description:
      'Idempotent: a line already recorded with the same content counts in `alreadyRecorded`; a line without `id` gets one derived from its content, so importing the same file twice records nothing the second time. A rejected line does not stop the others.',
  })
  @ApiConsumes('application/x-ndjson', 'application/ndjson')
  @ApiBody({
    required: true,
    description: 'NDJSON, at most 1 MiB',
    schema: NDJSON_SCHEMA,
    examples: { astana: { summary: 'Belarus joins the SCO, China takes its presidency', value: importExample() } },
  })
  @ApiOkResponse({ type: ImportAnswer, description: 'What became of each line' })
  @ApiProblems('PAYLOAD_TOO_LARGE', 'UNSUPPORTED_MEDIA_TYPE', 'VALIDATION_FAILED', 'RATE_LIMITED', 'STORE_UNAVAILABLE')
  async import(@Req() request: FastifyRequest, @Writer() writer: WriteContext) {
    const type = String(request.headers['content-type'] ?? '')
      .split(';')[0]!
      .trim()
      .toLowerCase();
    if (type !== 'application/x-ndjson' && type !== 'application/ndjson') {
      throw new ProblemException('UNSUPPORTED_MEDIA_TYPE', 'Send NDJSON with Content-Type: application/x-ndjson');
    }
    const body = typeof request.body === 'string' ? request.body : '';
    return this.importer.run(body.split('\n'), writer);
  }
}
