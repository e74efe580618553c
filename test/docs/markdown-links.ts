import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, extname, resolve } from 'node:path';

/** A link or image target as written in a Markdown file, with the line it starts on. */
export interface MarkdownLink {
  line: number;
  target: string;
}

/** The text with fenced code blocks blanked (line count kept), so nothing inside them counts. */
function withoutFences(markdown: string): string {
  let fence: string | null = null;
  return markdown
    .split('\n')
    .map((line) => {
      const opener = /^\s{0,3}(`{3,}|~{3,})/.exec(line)?.[1];
      if (fence === null && opener) {
        fence = opener;
        return '';
      }
      if (fence !== null) {
        if (opener && opener[0] === fence[0] && opener.length >= fence.length) fence = null;
        return '';
      }
      return line;
    })
    .join('\n');
}

/** Inline code spans removed (they never hold links); they never cross a line here. */
const withoutCodeSpans = (text: string): string => text.replace(/``[^\n]*?``|`[^`\n]*`/g, '');

/** Every inline link, image and reference definition outside code, in order. */
export function linksOf(markdown: string): MarkdownLink[] {
  const text = withoutCodeSpans(withoutFences(markdown));
  const lineAt = (index: number) => text.slice(0, index).split('\n').length;
  const links: MarkdownLink[] = [];
  // [text](target) and ![alt](target); the text may wrap and may hold one level of brackets.
  for (const m of text.matchAll(/!?\[(?:[^[\]]|\[[^\]]*\])*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    links.push({ line: lineAt(m.index), target: m[1] });
  }
  for (const m of text.matchAll(/^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/gm)) {
    links.push({ line: lineAt(m.index), target: m[1] });
  }
  return links.sort((a, b) => a.line - b.line);
}

/**
 * The anchor GitHub gives a heading (github-slugger's rule): lower case, every character that is
 * not a letter, mark, digit, connector, space or hyphen dropped, spaces turned into hyphens.
 */
export function githubSlug(heading: string): string {
  return heading
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
    .replace(/ /g, '-');
}

/** A heading's text as rendered: code, emphasis, links and HTML reduced to their text. */
function renderedText(source: string): string {
  return source
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .replace(/`/g, '')
    .replace(/(\*\*|__|\*)(.+?)\1/g, '$2')
    .trim();
}

/** The anchors of every ATX heading outside code, numbered as GitHub numbers repeats (`-1`, `-2`). */
export function headingAnchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const anchors = new Set<string>();
  for (const line of withoutFences(markdown).split('\n')) {
    const heading = /^ {0,3}#{1,6}\s+(.*?)(?:\s+#+)?\s*$/.exec(line);
    if (!heading) continue;
    const slug = githubSlug(renderedText(heading[1]));
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
  }
  return anchors;
}

const isExternal = (target: string): boolean => /^[a-z][a-z0-9+.-]*:/i.test(target) || target.startsWith('//');

/**
 * What is wrong with each relative link of a Markdown file (`file:line: target: why`): a path
 * that names no file or folder, or an `#anchor` that names no heading of the page it points at.
 * `root` is the repository, against which a path starting with `/` resolves.
 */
export function brokenLinks(root: string, file: string): string[] {
  const markdown = readFileSync(file, 'utf8');
  const problems: string[] = [];
  for (const { line, target } of linksOf(markdown)) {
    if (isExternal(target)) continue;
    const hash = target.indexOf('#');
    const path = decodeURIComponent(hash === -1 ? target : target.slice(0, hash));
    const anchor = hash === -1 ? null : decodeURIComponent(target.slice(hash + 1));
    const resolved = path === '' ? file : path.startsWith('/') ? resolve(root, `.${path}`) : resolve(dirname(file), path);
    const where = `${file.slice(root.length + 1)}:${line}: ${target}`;
    if (!existsSync(resolved)) {
      problems.push(`${where}: no such file`);
      continue;
    }
    if (anchor === null) continue;
    if (statSync(resolved).isDirectory() || extname(resolved) !== '.md') {
      problems.push(`${where}: an anchor into something that is not a Markdown page`);
    } else if (!headingAnchors(readFileSync(resolved, 'utf8')).has(anchor)) {
      problems.push(`${where}: no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}
