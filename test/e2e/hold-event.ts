import { usageEvent } from '../support/tally';

/** A reservation: a usage CloudEvent whose data may add ttlSeconds. */
export const holdEvent = (fields: {
  id?: string;
  source?: string;
  subject: string;
  meter: string;
  quantity: number;
  ttlSeconds?: number;
}) => {
  const event = usageEvent(fields);
  return { ...event, data: { ...event.data, ...(fields.ttlSeconds !== undefined ? { ttlSeconds: fields.ttlSeconds } : {}) } };
};
