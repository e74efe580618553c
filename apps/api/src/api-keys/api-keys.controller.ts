import { Body, Controller, Delete, Get, Header, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsText } from '@tally/messages';
import { IsIn, IsOptional } from 'class-validator';
import { ApiKeys, ROLES, type ApiKey, type ApiKeyView, type Role } from '../auth/api-keys';
import { Answers, Fails, Operation } from '../http/openapi/answers';
import { Problem } from '../http/problem';

/** Body of POST /v1/api-keys. */
export class CreateApiKeyDto {
  @ApiProperty({ example: 'geocoder' })
  @IsText(1, 100)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({
    type: 'string',
    example: 'geocoder',
    nullable: true,
    description: 'the only source the key may report under',
  })
  @IsOptional()
  @IsText(1, 256)
  source?: string | null;
}

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  // The answer carries the token, once: no cache may keep it.
  @Header('Cache-Control', 'no-store')
  @Operation('createApiKey', 'Create an API key; the token is shown once')
  @Answers(201, 'The key and its token (shown this once)', 'CreatedApiKey')
  create(@Body() body: CreateApiKeyDto): Promise<ApiKey & { token: string }> {
    return this.keys.create(body.name, body.role, body.source ?? null);
  }

  @Get()
  @Operation('listApiKeys', 'Active API keys, oldest first (never their tokens)')
  @Answers(200, 'The active keys', ['ApiKey'])
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @Operation('revokeApiKey', 'Revoke an API key: it stops authenticating at once on this instance')
  @Answers(204, 'Revoked')
  @Fails(404, 'No active API key has this id')
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) {
      throw new Problem(404, 'API_KEY_NOT_FOUND', 'API key not found', 'no active API key has this id');
    }
  }
}
