import { Body, Controller, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn, IsString, Length } from 'class-validator';
import { ApiKeys, ROLES, type ApiKey, type Role } from '../auth/api-keys';

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
  @ApiOperation({ summary: 'Create an API key; the token is shown once' })
  create(@Body() body: CreateApiKeyDto): Promise<ApiKey & { token: string }> {
    return this.keys.create(body.name, body.role);
  }
}
