import { PageLimit } from '../../http/page-limit';

/** Query of GET /v1/webhooks/{id}/deliveries. */
export class DeliveriesQueryDto {
  @PageLimit()
  limit?: number;
}
