import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';

/** Most entries a list route returns per page, and how many it returns when not told. */
export const PAGE_LIMIT = { max: 1000, default: 100 };

/** `limit` of a paged list route: an integer from 1 to 1000 in the query string. */
export const PageLimit = () =>
  applyDecorators(
    ApiPropertyOptional({ default: PAGE_LIMIT.default, minimum: 1, maximum: PAGE_LIMIT.max }),
    IsOptional(),
    // Digits only: Number() would also read "1e3", "0x10", " 7" and "".
    Transform(({ value }) => (typeof value === 'string' && /^[0-9]{1,9}$/.test(value) ? Number(value) : value)),
    IsInt({ message: 'limit must be an integer written in digits' }),
    Min(1),
    Max(PAGE_LIMIT.max),
  );
