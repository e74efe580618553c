import type { HoldReleased } from '@tally/events';
import { HoldIdDto } from '../hold-id.dto';

/** Body of POST /v1/reservations/release. */
export class ReleaseHoldDto extends HoldIdDto {}

/** A released hold as answered: what it held, and when it was released. */
export type ReleasedView = Omit<HoldReleased['data'], 'at' | 'committed'> & { releasedAt: string };
