import { CLAIM_WINDOW_DAYS, type ClaimKey, type RecordedEvent } from '../event-store';
import type { SqlQueryable } from './sql-client';
import { createdAt, toRecorded, type EventRow } from './event-rows';
import { GroupedReads } from './grouped-reads';

/** One {@link FreshReads.read}: a stream's events from a revision on, and the events holding claims. */
interface FreshRead {
  stream: string;
  fromRevision: bigint;
  claims: { account: string; keys: ClaimKey[]; now: string } | null;
}

/** What one {@link FreshRead} returns. */
interface FreshAnswer {
  events: RecordedEvent[];
  claimed: RecordedEvent[];
}

const EVENT_COLUMNS = `e.global_position, e.transaction_id::text as transaction_id, e.stream_id, e.stream_revision,
       e.event_type, e.data, ${createdAt('e.')}`;

/**
 * The reads dry runs answer from (a cached account's events since its revision, the claims of the
 * ids asked about), many in one statement ({@link GroupedReads}: a read is sent only after it was
 * asked for). Each statement reads one snapshot of the store: a stream's events and the claims
 * asked with it agree.
 */
export class FreshReads {
  private readonly reads = new GroupedReads<FreshRead, FreshAnswer>((reads) => this.readAll(reads));

  constructor(private readonly db: SqlQueryable) {}

  read(
    stream: string,
    fromRevision: bigint,
    claims: { account: string; keys: ClaimKey[]; now: string } | null,
  ): Promise<FreshAnswer> {
    return this.reads.read({ stream, fromRevision, claims });
  }

  private async readAll(reads: FreshRead[]): Promise<FreshAnswer[]> {
    const keys = reads.flatMap(({ claims }, part) =>
      claims ? claims.keys.map((key) => ({ part, account: claims.account, key, now: claims.now })) : [],
    );
    // Lateral subqueries: each part is an index lookup of its own, whatever the planner estimates
    // for unnest. Prepared once per connection (its text never changes): planned once, not per read.
    const { rows } = await this.db.query<EventRow & { part: number; kind: number }>(
      `select p.part::int as part, 0 as kind, e.stream_revision as sort_key, e.*
           from unnest($1::text[], $2::bigint[]) with ordinality as p(stream, from_revision, part)
           cross join lateral (
             select ${EVENT_COLUMNS} from tally_events e
              where e.stream_id = p.stream and e.stream_revision >= p.from_revision
           ) e
         union all
         select k.part, 1, e.global_position, e.*
           from unnest($3::int[], $4::text[], $5::text[], $6::text[], $7::timestamptz[]) as k(part, account, source, id, now)
           cross join lateral (
             select ${EVENT_COLUMNS} from tally_claims c
               join tally_events e on e.stream_id = c.stream_id and e.stream_revision = c.stream_revision
              where c.account = k.account and c.source = k.source and c.id = k.id
                and c.claimed_at >= k.now - interval '${CLAIM_WINDOW_DAYS} days'
           ) e
         order by part, kind, sort_key`,
      [
        reads.map((r) => r.stream),
        reads.map((r) => r.fromRevision.toString()),
        keys.map((k) => k.part + 1),
        keys.map((k) => k.account),
        keys.map((k) => k.key.source),
        keys.map((k) => k.key.id),
        keys.map((k) => k.now),
      ],
      { prepare: 'tally_fresh_reads_v1' },
    );
    const answers = reads.map((): FreshAnswer => ({ events: [], claimed: [] }));
    for (const row of rows) {
      const answer = answers[Number(row.part) - 1];
      (Number(row.kind) === 0 ? answer.events : answer.claimed).push(toRecorded(row));
    }
    return answers;
  }
}
