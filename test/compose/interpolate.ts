/**
 * Compose's variable interpolation (the Compose Specification's "Interpolation" section), for
 * checking docker-compose.yml where no compose CLI is installed: `$VAR`, `${VAR}`, `${VAR:-d}`
 * and `${VAR-d}` (default when unset or empty / unset), `${VAR:?e}` and `${VAR?e}` (an error
 * when unset or empty / unset), `${VAR:+r}` and `${VAR+r}`, and `$$` for a literal `$`. Values
 * are interpolated, keys are not, as compose does.
 */
export class MissingVariable extends Error {
  constructor(
    readonly variable: string,
    detail: string,
  ) {
    // Worded as compose v2 words it.
    super(`required variable ${variable} is missing a value: ${detail}`);
  }
}

const EXPRESSION = /\$(?:\$|\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))/g;

/** One string, interpolated from `env`; throws {@link MissingVariable} for a required one. */
export function interpolateText(text: string, env: Record<string, string | undefined>): string {
  return text.replace(EXPRESSION, (whole, braced?: string, operator?: string, operand = '', bare?: string) => {
    if (whole === '$$') return '$';
    const name = (braced ?? bare)!;
    const value = env[name];
    const unset = value === undefined || (operator?.startsWith(':') === true && value === '');
    switch (operator?.replace(':', '')) {
      case '-':
        return unset ? interpolateText(operand, env) : value!;
      case '?':
        if (unset) throw new MissingVariable(name, operand);
        return value!;
      case '+':
        return unset ? '' : interpolateText(operand, env);
      default:
        return value ?? '';
    }
  });
}

/** Every value of a parsed compose file, interpolated. */
export function interpolate<T>(node: T, env: Record<string, string | undefined>): T {
  if (typeof node === 'string') return interpolateText(node, env) as T;
  if (Array.isArray(node)) return node.map((item) => interpolate(item, env)) as T;
  if (node && typeof node === 'object') {
    return Object.fromEntries(Object.entries(node).map(([key, value]) => [key, interpolate(value, env)])) as T;
  }
  return node;
}

/** The names of the variables a text reads, and which of them it requires. */
export function variablesOf(text: string): { all: Set<string>; required: Set<string> } {
  const all = new Set<string>();
  const required = new Set<string>();
  for (const match of text.matchAll(EXPRESSION)) {
    const name = match[1] ?? match[4];
    if (!name) continue;
    all.add(name);
    if (match[2]?.endsWith('?')) required.add(name);
  }
  return { all, required };
}

/** A `.env` file's assignments (compose's format: KEY=VALUE lines, # comments). */
export function parseDotenv(text: string): Record<string, string> {
  const entries = text
    .split('\n')
    .map((line) => /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => [m[1], m[2].trim().replace(/^(['"])(.*)\1$/, '$2')]);
  return Object.fromEntries(entries);
}
