import { Injectable } from '@nestjs/common';

/** The time decisions are made at; read once per request so that a re-run decision sees the same instant. */
@Injectable()
export class Clock {
  now(): string {
    return new Date().toISOString();
  }
}
