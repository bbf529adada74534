import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import Joi from 'joi';
import { parse as parseYaml } from 'yaml';
import { NORMALISER_NAMES } from './normalisers';
import { compileRoutes, RoutesError } from './routes';
import type { Route } from './routes';

export const MAX_ROUTES = 200;

const schema = Joi.object<{ routes: Route[] }>({
  routes: Joi.array()
    .items(
      Joi.object({
        topic: Joi.string().min(1).max(1024).required(),
        normaliser: Joi.string()
          .valid(...NORMALISER_NAMES)
          .required(),
      }),
    )
    .min(1)
    .max(MAX_ROUTES)
    .required(),
}).required();

function parseContent(text: string, extension: string): unknown {
  if (extension === '.json') return JSON.parse(text) as unknown;
  return parseYaml(text) as unknown;
}

/** Duck-typed, not `instanceof Error`: errors from another realm (a vm, a jest sandbox) fail that test. */
function errorField(error: unknown, field: 'code' | 'message'): unknown {
  return typeof error === 'object' && error !== null && field in error
    ? (error as Record<typeof field, unknown>)[field]
    : undefined;
}

function errorMessage(error: unknown): string {
  const message = errorField(error, 'message');
  return typeof message === 'string' ? message : String(error);
}

/**
 * Reads a routes file (`.json`, `.yaml` or `.yml`) shaped `{ routes: [{ topic, normaliser }] }`.
 *
 * The file REPLACES the default table rather than adding to it: with first-match-wins
 * routing, merging would make the effective order hard to see. An operator who wants
 * the defaults as well lists them in the file.
 *
 * The routes are compiled here too, so every problem, down to a malformed pattern,
 * is reported with the file's name at start-up.
 *
 * @throws RoutesError naming the file and the problem.
 */
export function loadRoutesFile(path: string): Route[] {
  const fail: (problem: string, cause?: unknown) => never = (problem, cause) => {
    throw new RoutesError(`routes file ${path}: ${problem}`, cause === undefined ? undefined : { cause });
  };
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
  let content: unknown;
  try {
    content = parseContent(text, extension);
  } catch (error) {
    fail(`is not valid ${extension === '.json' ? 'JSON' : 'YAML'}: ${errorMessage(error)}`, error);
  }
  const { value, error } = schema.validate(content, {
    abortEarly: true,
    convert: false,
    errors: { wrap: { label: false } },
  });
  if (error) fail(error.message);
  const routes = value.routes.map(({ topic, normaliser }) => ({ topic, normaliser }));
  try {
    compileRoutes(routes);
  } catch (error) {
    fail(errorMessage(error), error);
  }
  return routes;
}
