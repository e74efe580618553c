import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@tally/eventstore';
import { PROJECTED_STREAM_PREFIXES, ProjectionRunner } from '@tally/read-models';
import { Problem } from '../http/problem';
import { EVENT_STORE } from '../runtime/runtime.module';

/**
 * Routes that name only a source + id (reversals, commits, releases) find their accounts in a
 * read model. It may lag, so the projector is first given up to 5 s to reach the store's head;
 * an id still missing from a log that is behind is 503 READ_MODELS_BEHIND (retry), never a 404.
 */
@Injectable()
export class AccountsOfId {
  constructor(
    private readonly runner: ProjectionRunner,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  async find<T>(lookup: () => Promise<T[]>): Promise<T[]> {
    const head = await this.store.headPosition(PROJECTED_STREAM_PREFIXES);
    const caughtUp = head === null || (await this.runner.waitFor(head, 5000));
    const found = await lookup();
    if (found.length === 0 && !caughtUp) {
      throw new Problem(
        503,
        'READ_MODELS_BEHIND',
        'Read models are behind',
        'the read models have not caught up with the event store (is the projector running?); try again shortly',
      );
    }
    return found;
  }
}
