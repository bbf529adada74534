import { sql, type RawBuilder, type SqlBool } from 'kysely';
import type { StoreBackend } from './store';

/** SQLite's GLOB is case-sensitive, like the token's patterns; only `*`, `?` and `[` are special. */
function toGlob(pattern: string): string {
  return pattern.replace(/[?[]/g, (special) => `[${special}]`);
}

/** PostgreSQL's LIKE is case-sensitive; `%`, `_` and the escape character are special, `*` becomes `%`. */
function toLike(pattern: string): string {
  return pattern.replace(/[\\%_]/g, (special) => `\\${special}`).replace(/\*/g, '%');
}

/**
 * A condition on an id column: the id matches one of `patterns`, in which `*` stands for any
 * run of characters and every other character for itself (the token rooms' patterns, without
 * their `kind:` prefix). No pattern matches nothing.
 */
export function idMatchesAny(backend: StoreBackend, column: string, patterns: readonly string[]): RawBuilder<SqlBool> {
  if (patterns.length === 0) return sql<SqlBool>`1 = 0`;
  const one = (pattern: string): RawBuilder<SqlBool> =>
    backend === 'sqlite'
      ? sql<SqlBool>`${sql.ref(column)} GLOB ${toGlob(pattern)}`
      : sql<SqlBool>`${sql.ref(column)} LIKE ${toLike(pattern)} ESCAPE '\\'`;
  return sql<SqlBool>`(${sql.join(patterns.map(one), sql` OR `)})`;
}
