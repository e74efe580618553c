import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_TOKEN, startTally, type RunningTally } from '../support/tally';
import { buildConsole } from './browser';

// What the api serves at /console, checked over HTTP (no browser needed).
describe('the console files served at /console', () => {
  let built: ReturnType<typeof buildConsole>;
  let tally: RunningTally;
  beforeAll(async () => {
    built = buildConsole();
    tally = await startTally('pglite', { consoleDir: built.dir });
  }, 60_000);
  afterAll(async () => {
    await tally?.destroy();
    built?.remove();
  });

  it('serves the page without a token, under a policy that admits this origin only', async () => {
    const redirect = await fetch(`${tally.url}/console`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([301, '/console/']);
    const page = await fetch(`${tally.url}/console/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
    const html = await page.text();
    // Every script and stylesheet is a file of the build, referenced relatively: no CDN.
    const references = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]);
    expect(references.length).toBeGreaterThanOrEqual(2);
    for (const ref of references) expect(ref).toMatch(/^\.\/assets\//);
    expect(html).not.toContain(ADMIN_TOKEN);
  });

  it('serves the hashed assets for a year, and 404 for a file that is not there', async () => {
    const assets = readdirSync(join(built.dir, 'assets'));
    expect(assets.some((a) => a.endsWith('.js'))).toBe(true);
    for (const asset of assets) {
      const reply = await fetch(`${tally.url}/console/assets/${asset}`);
      expect([asset, reply.status, reply.headers.get('cache-control')]).toEqual([
        asset,
        200,
        'public, max-age=31536000, immutable',
      ]);
    }
    const missing = await fetch(`${tally.url}/console/assets/nothing-here.js`);
    expect(missing.status).toBe(404);
  });

  it('answers problem+json naming the fix when the console was not built', async () => {
    const bare = await startTally('pglite', { consoleDir: null });
    try {
      const reply = await fetch(`${bare.url}/console/`);
      expect(reply.status).toBe(404);
      expect(reply.headers.get('content-type')).toContain('application/problem+json');
      expect(await reply.json()).toMatchObject({ code: 'CONSOLE_NOT_BUILT', detail: expect.stringContaining('npm run build') });
    } finally {
      await bare.destroy();
    }
  });
});
