import isLength from 'validator/lib/isLength';
import isURL from 'validator/lib/isURL';
import isUUID from 'validator/lib/isUUID';
import { z } from 'zod';
import { normalizeCountryCode } from '../values/country-code';
import { normalizeOrganizationCode } from '../values/organization-code';
import { isPartialDate } from '../values/partial-date';

/**
 * The field types every kind is built from. Each is one schema: the TypeScript type (its output), the check of a
 * recording and of a correction, and the OpenAPI schema (its input, with the `meta` below). Messages name no field:
 * `validation.ts` puts the field's path in front of them.
 */

/** Characters that count for less than their UTF-16 length: surrogate pairs and emoji variation selectors. */
const COUNTED_APART = /[\uD800-\uDFFF]|\uFE0E|\uFE0F/;

/** Lengths count characters as people do (a surrogate pair or an emoji variation is one), as the API always has. */
export const lengthBetween = (value: string, min: number, max: number): boolean =>
  value.length >= min && value.length <= max && !COUNTED_APART.test(value) ? true : isLength(value, { min, max });

/** http(s) URLs of the plain shape (a host name with a top-level domain), recognized without the full parser. */
const PLAIN_WEB_URL = /^https?:\/\/(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?:[/?#][^\s<>]*)?$/i;
const WEB_URL = { protocols: ['http', 'https'], require_protocol: true };
/** isURL's own limit (its `max_allowed_length`). */
const URL_MAX_LENGTH = 2084;
/** An http(s) URL as validator.js's `isURL` judges it (the plain shapes first: it costs ~30 µs a call). */
export const isWebUrl = (value: string): boolean =>
  value.length <= URL_MAX_LENGTH && PLAIN_WEB_URL.test(value) ? true : isURL(value, WEB_URL);

export const text = (min: number, max: number) =>
  z
    .string({ error: 'must be a string' })
    .refine((value) => lengthBetween(value, min, max), {
      error: min > 0 ? `must be between ${min} and ${max} characters long` : `must be at most ${max} characters long`,
      abort: true,
    })
    .meta({ minLength: min, maxLength: max });

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, calendar-valid. */
export const partialDateField = z
  .string({ error: 'must be a calendar-valid date as YYYY, YYYY-MM or YYYY-MM-DD' })
  .refine(isPartialDate, { error: 'must be a calendar-valid date as YYYY, YYYY-MM or YYYY-MM-DD', abort: true })
  .meta({ description: 'Partial date: YYYY, YYYY-MM or YYYY-MM-DD', example: '2024-07-04' });

/** ISO 3166-1 alpha-2 or alpha-3 in any case on input; alpha-2 upper case inside. */
export const countryCode = z
  .string({ error: 'must be an ISO 3166-1 alpha-2 or alpha-3 country code' })
  .transform((value, context) => {
    const code = normalizeCountryCode(value);
    if (code === undefined) context.issues.push({ code: 'custom', input: value, message: 'must be an ISO 3166-1 alpha-2 or alpha-3 country code' });
    return code ?? value;
  })
  .meta({ description: 'ISO 3166-1 alpha-2 or alpha-3', example: 'KZ' });

/** Case-insensitive on input, upper case inside. Whether the organization exists is the domain's question. */
export const organizationCode = z
  .string({ error: 'must be an organization code such as SCO' })
  .transform((value, context) => {
    const code = normalizeOrganizationCode(value);
    if (code === undefined) context.issues.push({ code: 'custom', input: value, message: 'must be an organization code such as SCO' });
    return code ?? value;
  })
  .meta({ example: 'SCO' });

export const oneOf = <const T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });

const list = <T extends z.ZodType>(item: T, min: number, max: number) =>
  z
    .array(item, { error: 'must be an array' })
    .max(max, { error: `must contain at most ${max} elements` })
    .min(min, { error: `must contain at least ${min} elements` });

export { list };

export const source = z
  .strictObject(
    {
      url: z
        .string({ error: 'must be an http(s) URL; a source needs a url or a publisher' })
        .refine((value) => lengthBetween(value, 0, 2000) && isWebUrl(value), {
          error: 'must be an http(s) URL of at most 2000 characters',
        })
        .meta({ example: 'https://tass.com/world/1811995', maxLength: 2000 })
        .optional(),
      title: text(1, 300).optional(),
      publisher: text(1, 200).optional(),
      publishedOn: partialDateField.optional(),
    },
    { error: 'must be an object' },
  )
  .check((context) => {
    if (context.value.url === undefined && context.value.publisher === undefined)
      context.issues.push({
        code: 'custom',
        input: context.value,
        path: ['url'],
        message: 'must be an http(s) URL; a source needs a url or a publisher',
      });
  });

export const place = z
  .strictObject({ city: text(1, 200).optional(), country: countryCode.optional() }, { error: 'must be an object' });

/** The sources of a recording or of a correction. */
export const sources = list(source, 0, 20);

/** Fields every development kind has, in the order events have always stored them. */
export const commonFields = {
  occurredOn: partialDateField,
  endsOn: partialDateField.optional(),
  title: text(1, 200),
  summary: text(0, 5000).optional(),
  sources: sources.optional(),
  tags: list(text(1, 50), 0, 20).optional(),
};

/** A client's id for a recording: its idempotency key, and the development's id. */
export const clientId = z
  .string({ error: 'must be a UUID' })
  .refine((value) => isUUID(value, 'all'), { error: 'must be a UUID' })
  .meta({ format: 'uuid', description: 'Idempotency key and the development id' });
