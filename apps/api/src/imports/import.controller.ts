import { Controller, HttpCode, Post, Req } from '@nestjs/common';
import { ApiConsumes, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import type { WriteContext } from '@annals/application';
import { RequireScope } from '../access/require-scope.decorator';
import { ProblemException } from '../http/problem';
import { Writer } from '../http/write-context';
import { NdjsonImport } from './ndjson-import';

@ApiTags('import')
@Controller('api/import')
export class ImportController {
  constructor(private readonly importer: NdjsonImport) {}

  @Post()
  @HttpCode(200)
  @RequireScope('write')
  @ApiConsumes('application/x-ndjson')
  @ApiOperation({ summary: 'Import developments as NDJSON, one a line; each line is judged on its own, in order' })
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
