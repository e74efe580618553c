import { units } from '../format';

/**
 * Usage, reserved units and the limit of one quota as a bar. The numbers are written beside it
 * and the bar is a `meter` to assistive technology, so nothing depends on seeing colours.
 */
export function UsageBar({
  meter,
  usage,
  reserved = 0,
  limit,
}: {
  meter: string;
  usage: number;
  reserved?: number;
  limit: number | null;
}) {
  const max = limit ?? Math.max(usage + reserved, 1);
  const share = (n: number) => `${Math.min(100, max === 0 ? 0 : (n / max) * 100)}%`;
  const over = limit !== null && usage > limit;
  const label = `${meter}: ${units(usage)} used, ${units(reserved)} reserved, limit ${units(limit)}`;
  return (
    <div class="usage">
      <div
        class={`bar${limit === null ? ' unlimited' : ''}`}
        role="meter"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={max}
        aria-valuenow={usage}
        data-usage={usage}
        data-limit={limit ?? ''}
      >
        <span class={`used${over ? ' over' : ''}`} style={{ width: share(usage) }} />
        <span class="reserved" style={{ width: share(Math.min(reserved, Math.max(max - usage, 0))) }} />
      </div>
      <span class="figures">
        {units(usage)} used · {units(reserved)} reserved ·{' '}
        {limit === null ? 'unlimited' : limit === 0 ? 'disabled (limit 0)' : `limit ${units(limit)}`}
      </span>
    </div>
  );
}
