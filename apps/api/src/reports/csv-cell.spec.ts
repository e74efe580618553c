import { PassThrough } from 'node:stream';
import { Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { spreadsheetSafe } from './csv-cell';
import { onePage, streamExport, wantsCsv } from './export-stream';

/** What a CSV export of `rows` writes, through the same path as the ledger and billing routes. */
async function csvOf(rows: Array<Record<string, unknown>>, columns: string[]): Promise<string> {
  const headers = new Map<string, unknown>();
  const raw = Object.assign(new PassThrough(), {
    statusCode: 0,
    setHeader: (name: string, value: unknown) => headers.set(name, value),
    getHeader: (name: string) => headers.get(name),
  });
  const reply = { hijack: () => reply, raw, getHeaders: () => ({ 'content-type': 'text/csv' }) } as unknown as FastifyReply;
  const chunks: Buffer[] = [];
  raw.on('data', (chunk: Buffer) => chunks.push(chunk));
  await streamExport(reply, { body: onePage(rows), csv: true, columns, name: 'test' }, new Logger('test'));
  return Buffer.concat(chunks).toString();
}

describe('CSV cells a spreadsheet would run as formulas', () => {
  it('get a leading apostrophe when they are text starting with = + - @ tab or CR', () => {
    for (const cell of ['=1+1', '+SUM(A1)', '-cmd', '@SUM(1)', '\t=1', '\r=1']) expect(spreadsheetSafe(cell)).toBe(`'${cell}`);
  });

  it('are left alone when they are numbers written as text, or start otherwise', () => {
    for (const cell of ['-3', '+7', '-12.50', '12.50', 'geocoder/job-1', 'a=b', '2026-12-01T00:00:00.000Z', ''])
      expect(spreadsheetSafe(cell)).toBe(cell);
  });

  it('are neutralised in an export, while numbers (negative amounts too) and the header stay intact', async () => {
    const row = { account: 'acme', grant: '+SUM(1+1)', amount: -3, usage: '=HYPERLINK("http://evil.example","x")/@id' };
    const csv = await csvOf([row], ['account', 'grant', 'amount', 'usage']);
    expect(csv).toBe(`account,grant,amount,usage\nacme,'+SUM(1+1),-3,"'=HYPERLINK(""http://evil.example"",""x"")/@id"\n`);
  });
});

describe('An export asked for CSV', () => {
  it('is CSV when the Accept header prefers it, in any case, and JSON when it refuses it or asks for neither', () => {
    expect(wantsCsv('text/csv')).toBe(true);
    expect(wantsCsv('TEXT/CSV')).toBe(true);
    expect(wantsCsv('application/json;q=0.5, text/csv')).toBe(true);
    expect(wantsCsv('text/csv;q=0, application/json')).toBe(false);
    expect(wantsCsv('application/json')).toBe(false);
    expect(wantsCsv('*/*')).toBe(false);
    expect(wantsCsv('text/html')).toBe(false);
    expect(wantsCsv(undefined)).toBe(false);
  });
});
