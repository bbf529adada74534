import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Says what is wrong with a configuration file; each caller throws its own error type. */
export type FileProblem = (problem: string, cause?: unknown) => never;

/** Duck-typed, not `instanceof Error`: errors from another realm (a vm, a jest sandbox) fail that test. */
function errorField(error: unknown, field: 'code' | 'message'): unknown {
  return typeof error === 'object' && error !== null && field in error
    ? (error as Record<typeof field, unknown>)[field]
    : undefined;
}

export function errorMessage(error: unknown): string {
  const message = errorField(error, 'message');
  return typeof message === 'string' ? message : String(error);
}

/**
 * Reads a configuration document (routes, alert rules, characteristics) from a `.json`,
 * `.yaml` or `.yml` file; the extension says the format. Every problem goes to `fail`.
 */
export function readDocumentFile(path: string, fail: FileProblem): unknown {
  const extension = extname(path).toLowerCase();
  if (extension !== '.json' && extension !== '.yaml' && extension !== '.yml') {
    fail('must end in .json, .yaml or .yml so its format is known');
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    const missing = errorField(error, 'code') === 'ENOENT';
    fail(missing ? 'does not exist' : `cannot be read (${errorMessage(error)})`, error);
  }
  try {
    return extension === '.json' ? (JSON.parse(text) as unknown) : (parseYaml(text) as unknown);
  } catch (error) {
    fail(`is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${errorMessage(error)}`, error);
  }
}
