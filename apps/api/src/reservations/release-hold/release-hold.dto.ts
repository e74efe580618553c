import type { HoldReleased, UsageItem } from '@tally/events';
import { HoldIdDto } from '../hold-id.dto';

/** Body of POST /v1/reservations/release. */
export class ReleaseHoldDto extends HoldIdDto {}

/**
 * A released hold as answered: what it held, and when it was released; for a multi-item hold,
 * every item it held (`meter` and `quantity` are then the first item's).
 */
export type ReleasedView = Omit<HoldReleased['data'], 'at' | 'committed'> & { releasedAt: string; items?: UsageItem[] };
