import { errorMessage, readDocumentFile } from '../config/document-file';
import Joi from 'joi';
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
  const content = readDocumentFile(path, fail);

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
