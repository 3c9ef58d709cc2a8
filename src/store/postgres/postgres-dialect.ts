import type { SqlDialect } from '../read-filter.js';

/** A dialect that also collects the values its placeholders stand for. */
export interface PostgresDialect extends SqlDialect {
  readonly values: unknown[];
}

/**
 * PostgreSQL spelling for the read filter: numbered `$n` placeholders, and
 * JSON fields compared as `jsonb`, so numbers, strings and booleans match
 * only values of their own type, as they do in the SQLite store. Field
 * names reach here already checked against a strict pattern.
 */
export function postgresDialect(): PostgresDialect {
  const values: unknown[] = [];
  return {
    values,
    setFence: ' OFFSET 0',
    param(value: unknown): string {
      values.push(value);
      return `$${values.length}`;
    },
    jsonField(column: string, key: string): string {
      return `(${column}::jsonb #> '{${key.split('.').join(',')}}')`;
    },
    jsonValue(value: string | number | boolean): unknown {
      return JSON.stringify(value);
    },
  };
}
