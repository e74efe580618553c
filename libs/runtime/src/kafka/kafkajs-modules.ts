/**
 * Replacing one of kafkajs's internal modules (kafka.adapter.ts's hot-path replacements, see
 * docs/kafka.md "The client's hot paths"). Imports nothing of kafkajs itself, so that a
 * replacement can be made before kafkajs is first loaded.
 */

/**
 * The file of a kafkajs module, or null where this kafkajs has none there (another version's
 * layout): the replacements then stand aside instead of failing the process's start.
 */
export function resolveKafkajsModule(id: string): string | null {
  try {
    return require.resolve(id);
  } catch {
    return null;
  }
}

/**
 * Replaces the exports of kafkajs module `id` with `replace(original)`, marked with `flag` and
 * carrying the `original`, unless the module that takes them (`takenBy`) is loaded already: it
 * would keep the original. True if installed (or already); false where kafkajs's own stays
 * (taken already, or another layout).
 */
export function replaceKafkajsModule<T>(id: string, takenBy: string, flag: string, replace: (original: T) => object): boolean {
  const path = resolveKafkajsModule(id);
  const taker = resolveKafkajsModule(takenBy);
  if (path === null || taker === null) return false;
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- kafkajs's internal module: no import path
  const original = require(path) as T & Record<string, unknown>;
  if (original[flag] === true) return true;
  const module = require.cache[path];
  if (require.cache[taker] !== undefined || !module) return false;
  module.exports = Object.assign(replace(original), { [flag]: true, original });
  return true;
}
