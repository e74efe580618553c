import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { brokenLinks, headingAnchors, linksOf } from './markdown-links';

const ROOT = resolve(__dirname, '../..');
const CONTRACT = join(ROOT, 'docs/contract.md');

/** Files under `dir` (relative to the repository), skipping what is built or installed. */
function filesUnder(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return ['node_modules', 'dist', '.data'].includes(entry.name) ? [] : filesUnder(path);
    return [path];
  });
}

const PAGES = ['README.md', ...filesUnder('docs').filter((f) => f.endsWith('.md'))];
const SOURCES = ['apps', 'libs', 'test', 'bench', 'scripts', 'infra', '.ci']
  .flatMap(filesUnder)
  .filter((f) => /\.(ts|tsx|js|mjs|cjs|sh|json|ya?ml|html|css|properties|xml)$|^\.ci\//.test(f));

describe('the documentation links only to what exists', () => {
  it('finds the README and the docs pages', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/contract.md']));
  });

  it.each(PAGES)('%s: every relative link names a file, and every anchor a heading in it', (page) => {
    expect(brokenLinks(ROOT, join(ROOT, page))).toEqual([]);
  });

  it('the README links every docs page (its map of docs/ is complete)', () => {
    const linked = new Set(linksOf(readFileSync(join(ROOT, 'README.md'), 'utf8')).map((l) => l.target.split('#')[0]));
    const unlinked = PAGES.filter((p) => p.startsWith('docs/') && !linked.has(p));
    expect(unlinked).toEqual([]);
  });
});

describe('code comments cite documents that are in the repository', () => {
  const self = relative(ROOT, __filename);

  it('no file cites the design document that lived outside the repository', () => {
    const citing = SOURCES.filter((f) => f !== self && /\bDESIGN\b/.test(readFileSync(join(ROOT, f), 'utf8')));
    expect(citing).toEqual([]);
  });

  it('every "docs/contract.md §n" names a numbered section, and every "§3 rule n" a rule', () => {
    const contract = readFileSync(CONTRACT, 'utf8');
    const sections = new Set([...contract.matchAll(/^#{2,3} (\d+(?:\.\d+)*)\.? /gm)].map((m) => m[1]));
    const rules = new Set(
      [
        ...contract
          .split(/^## 4\. /m)[0]
          .split(/^## 3\. /m)[1]
          .matchAll(/^(\d+)\. /gm),
      ].map((m) => m[1]),
    );
    const wrong: string[] = [];
    let citations = 0;
    for (const file of SOURCES) {
      const text = readFileSync(join(ROOT, file), 'utf8');
      for (const m of text.matchAll(/docs\/contract\.md((?:,? §\d+(?:\.\d+)*)+)(?: rules? (\d+)(?: (?:to|-|–) (\d+))?)?/g)) {
        citations++;
        for (const [, number] of m[1].matchAll(/§(\d+(?:\.\d+)*)/g)) {
          if (!sections.has(number)) wrong.push(`${file}: §${number}`);
        }
        for (const rule of [m[2], m[3]].filter(Boolean)) if (!rules.has(rule)) wrong.push(`${file}: rule ${rule}`);
      }
    }
    expect(citations).toBeGreaterThan(20);
    expect(wrong).toEqual([]);
  });

  it('the contract has the chapters code cites, numbered 1 to 6', () => {
    const anchors = headingAnchors(readFileSync(CONTRACT, 'utf8'));
    for (const chapter of ['1-architecture', '2-language', '3-decision-rules', '4-messages-kafka', '5-http-api', '6-commands']) {
      expect(anchors).toContain(chapter);
    }
  });
});
