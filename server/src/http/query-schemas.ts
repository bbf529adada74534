import Joi from 'joi';

/** A date-time with its UTC offset: without one, the instant would depend on the gateway's time zone. */
export const instant = Joi.string()
  .pattern(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/)
  .custom((value: string, helpers) =>
    Number.isNaN(Date.parse(value)) ? helpers.error('any.invalid') : new Date(value),
  )
  .messages({
    'string.pattern.base': '{{#label}} must be an ISO 8601 date-time with a UTC offset, such as 2026-01-31T12:00:00Z',
  });
