import { NAME_PATTERN, NAME_RULE, USAGE_ITEMS, type UsageItem } from '@tally/events';
import { MAX_QUANTITY } from './usage-fast-path';
import type { FieldError, Validated } from './validation';

/** How many items a list of usage items may hold: 2 to 20 in a usage, 1 to 20 in a commit. */
export interface ItemBounds {
  min: number;
  max: number;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The one place the rules of a multi-item usage's `items` live (docs/contract.md, multi-item usage),
 * for HTTP and Kafka alike: `items` instead of `meter` + `quantity` (never both), an array of
 * `bounds.min` to `bounds.max` objects `{meter, quantity}` with the quantity rules of a single
 * usage, each meter at most once (a repeat is named by its own path, `data.items[3].meter`).
 * `field` is the path of the object holding `items` (`data`).
 */
export function parseUsageItems(
  holder: Record<string, unknown>,
  field: string,
  bounds: ItemBounds = USAGE_ITEMS,
  exclusive: readonly string[] = ['meter', 'quantity'],
): Validated<UsageItem[]> {
  const path = field ? `${field}.items` : 'items';
  const errors: FieldError[] = exclusive
    // By value: a DTO instance owns its optional fields even when they were not sent.
    .filter((name) => holder[name] !== undefined)
    .map((name) => ({ field: field ? `${field}.${name}` : name, reason: `${name} and items exclude each other: send one` }));
  const items = holder.items;
  if (!Array.isArray(items)) return { ok: false, errors: [...errors, { field: path, reason: 'items must be an array' }] };
  if (items.length < bounds.min || items.length > bounds.max) {
    errors.push({ field: path, reason: `items must hold ${bounds.min} to ${bounds.max} items, got ${items.length}` });
    // Past the bound, walking the rest would only name more errors of a list already refused.
    if (items.length > bounds.max) return { ok: false, errors };
  }
  const seen = new Set<string>();
  items.forEach((item, i) => {
    const at = `${path}[${i}]`;
    if (!isRecord(item)) {
      errors.push({ field: at, reason: 'an item must be an object {meter, quantity}' });
      return;
    }
    for (const name of Object.keys(item)) {
      if (name !== 'meter' && name !== 'quantity') errors.push({ field: `${at}.${name}`, reason: 'unknown field' });
    }
    const { meter, quantity } = item;
    if (typeof meter !== 'string' || !NAME_PATTERN.test(meter))
      errors.push({ field: `${at}.meter`, reason: `meter ${NAME_RULE}` });
    else if (seen.has(meter))
      errors.push({ field: `${at}.meter`, reason: `meter ${meter} is already an item: each meter at most once` });
    else seen.add(meter);
    if (typeof quantity !== 'number' || !Number.isInteger(quantity)) {
      errors.push({ field: `${at}.quantity`, reason: 'quantity must be an integer' });
    } else if (quantity < 1 || quantity > MAX_QUANTITY) {
      errors.push({ field: `${at}.quantity`, reason: `quantity must be from 1 to ${MAX_QUANTITY}` });
    }
  });
  if (errors.length) return { ok: false, errors };
  return { ok: true, value: items.map((item: UsageItem) => ({ meter: item.meter, quantity: item.quantity })) };
}
