import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { brokenLinks, githubSlug, headingAnchors, linksOf } from './markdown-links';

describe('GitHub heading anchors', () => {
  it.each([
    ['3. Decision rules', '3-decision-rules'],
    ['3.5 Reservations', '35-reservations'],
    ['4. Messages (Kafka)', '4-messages-kafka'],
    ['Producer client (@tally/client)', 'producer-client-tallyclient'],
    ['Fault tests: figures', 'fault-tests-figures'],
    ['snake_case stays', 'snake_case-stays'],
    ['Ünïcode letters', 'ünïcode-letters'],
  ])('%s → #%s', (heading, slug) => {
    expect(githubSlug(heading)).toBe(slug);
  });

  it('renders code, links and emphasis to text, and numbers repeated headings', () => {
    const anchors = headingAnchors('# A `code` [link](x.md) **bold**\n## Notes\n## Notes\n```\n# not a heading\n```\n');
    expect([...anchors]).toEqual(['a-code-link-bold', 'notes', 'notes-1']);
  });
});

describe('links of a page', () => {
  it('finds inline links, images and definitions, but none inside code', () => {
    const page = [
      'See [a](a.md#x) and ![pic](img/p.png "title").',
      'A [wrapped',
      'link](b.md) and `[not](code.md)`.',
      '```',
      '[not](fenced.md)',
      '```',
      '[ref]: c.md',
    ].join('\n');
    expect(linksOf(page)).toEqual([
      { line: 1, target: 'a.md#x' },
      { line: 1, target: 'img/p.png' },
      { line: 2, target: 'b.md' },
      { line: 7, target: 'c.md' },
    ]);
  });

  describe('checked against the files', () => {
    let root: string;
    beforeAll(() => {
      root = mkdtempSync(join(tmpdir(), 'tally-links-'));
      mkdirSync(join(root, 'docs'));
      writeFileSync(join(root, 'docs/page.md'), '# Page\n## A section\n');
    });
    afterAll(() => rmSync(root, { recursive: true, force: true }));

    const problemsOf = (markdown: string) => {
      writeFileSync(join(root, 'README.md'), markdown);
      return brokenLinks(root, join(root, 'README.md'));
    };

    it('passes links to files, folders, headings and the web', () => {
      expect(
        problemsOf('# Top\n[p](docs/page.md) [s](docs/page.md#a-section) [d](docs/) [t](#top) [w](https://example.com/x#y)\n'),
      ).toEqual([]);
    });

    it('reports a missing file, a missing anchor and an anchor into a folder, with their lines', () => {
      expect(problemsOf('# Top\n[m](docs/missing.md)\n[a](docs/page.md#no-such)\n[h](#nowhere)\n[f](docs#x)\n')).toEqual([
        'README.md:2: docs/missing.md: no such file',
        'README.md:3: docs/page.md#no-such: no heading with the anchor #no-such',
        'README.md:4: #nowhere: no heading with the anchor #nowhere',
        'README.md:5: docs#x: an anchor into something that is not a Markdown page',
      ]);
    });
  });
});
