import { Query } from '@nestjs/cqrs';
import type { MeterView } from '@tally/read-models';

/** Every meter, by name. */
export class ListMetersQuery extends Query<MeterView[]> {}
