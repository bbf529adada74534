import type Joi from 'joi';
import { ErrorCode, RoomcastError } from '@roomcast/shared';

/** Validates a query string or body, or throws BAD_REQUEST with joi's explanation. */
export function validateInput<T>(schema: Joi.Schema<T>, input: unknown, what: string): T {
  const { value, error } = schema.validate(input, { convert: true, abortEarly: true });
  if (error) throw new RoomcastError(ErrorCode.BAD_REQUEST, `invalid ${what}: ${error.message}`);
  return value;
}
