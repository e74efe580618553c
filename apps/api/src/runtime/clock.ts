import { Injectable } from '@nestjs/common';

// The last millisecond read and its spelling: requests arriving in the same millisecond share the
// string instead of formatting it again (module state, so that a Clock stays a plain `now()` shape).
let lastMs = Number.NaN;
let lastIso = '';

/** The time decisions are made at; read once per request so that a re-run decision sees the same instant. */
@Injectable()
export class Clock {
  now(): string {
    const ms = Date.now();
    if (ms !== lastMs) {
      lastIso = new Date(ms).toISOString();
      lastMs = ms;
    }
    return lastIso;
  }
}
