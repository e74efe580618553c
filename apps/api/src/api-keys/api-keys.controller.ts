import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { ApiKeys, ROLES, type ApiKey, type Role } from '../auth/api-keys';
import { Answers, Operation } from '../http/openapi/answers';

/** Body of POST /v1/api-keys. */
export class CreateApiKeyDto {
  @ApiProperty({ example: 'geocoder' })
  @IsString()
  @Length(1, 100)
  name!: string;

  @ApiProperty({ enum: ROLES })
  @IsIn(ROLES)
  role!: Role;
}

@ApiTags('api-keys')
@ApiBearerAuth()
@Controller('v1/api-keys')
export class ApiKeysController {
  constructor(private readonly keys: ApiKeys) {}

  @Post()
  @Operation('createApiKey', 'Create an API key; the token is shown once')
  @Answers(201, 'The key and its token (shown this once)', 'CreatedApiKey')
  create(@Body() body: CreateApiKeyDto): Promise<ApiKey & { token: string }> {
    return this.keys.create(body.name, body.role);
  }
}
