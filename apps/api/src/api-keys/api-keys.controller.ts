import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsText } from '@tally/events';
import { IsIn, IsOptional } from 'class-validator';
import { ApiKeys, ROLES, type ApiKey, type ApiKeyView, type Role } from '../auth/api-keys';
import { Problem } from '../http/problem';

/** Body of POST /v1/api-keys. */
export class CreateApiKeyDto {
  @ApiProperty({ example: 'geocoder' })
  @IsText(1, 100)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;

  @ApiPropertyOptional({ example: 'geocoder', nullable: true, description: 'the only source the key may report under' })
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
  @ApiOperation({ summary: 'Create an API key; the token is shown once' })
  create(@Body() body: CreateApiKeyDto): Promise<ApiKey & { token: string }> {
    return this.keys.create(body.name, body.role, body.source ?? null);
  }

  @Get()
  @ApiOperation({ summary: 'Active API keys, oldest first (never their tokens)' })
  list(): Promise<ApiKeyView[]> {
    return this.keys.list();
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke an API key: it stops authenticating at once on this instance' })
  async revoke(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) {
      throw new Problem(404, 'API_KEY_NOT_FOUND', 'API key not found', 'no active API key has this id');
    }
  }
}
