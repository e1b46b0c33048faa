import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { registerDecorator, ValidateIf, type ValidationOptions } from 'class-validator';
import { isPartialDate, normalizeCountryCode, normalizeOrganizationCode } from '@annals/domain';

/** Optional means absent: `null` is a value, and is validated like any other (so it is refused). */
export const Optional = () => ValidateIf((_object: unknown, value: unknown) => value !== undefined);

function rule(name: string, test: (value: unknown) => boolean, message: string, options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name,
      target: target.constructor,
      propertyName: String(propertyName),
      options: { message, ...options },
      validator: { validate: test },
    });
}

const optionality = (optional: boolean, api: Parameters<typeof ApiProperty>[0]) =>
  optional ? [Optional(), ApiPropertyOptional(api)] : [ApiProperty(api)];

/** `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, calendar-valid. */
export const IsPartialDate = (options: { optional?: boolean } = {}) =>
  applyDecorators(
    ...optionality(!!options.optional, { type: String, example: '2024-07-04', description: 'Partial date: YYYY, YYYY-MM or YYYY-MM-DD' }),
    rule('isPartialDate', isPartialDate, '$property must be a calendar-valid date as YYYY, YYYY-MM or YYYY-MM-DD'),
  );

/** ISO 3166-1 alpha-2 or alpha-3 in any case, normalized to alpha-2 upper case. */
export const IsCountryCode = (options: { optional?: boolean; each?: boolean } = {}) =>
  applyDecorators(
    ...optionality(!!options.optional, {
      type: String,
      isArray: !!options.each,
      example: 'KZ',
      description: 'ISO 3166-1 alpha-2 or alpha-3',
    }),
    Transform(({ value }: { value: unknown }) =>
      options.each && Array.isArray(value)
        ? (value as unknown[]).map((v): unknown => normalizeCountryCode(v) ?? v)
        : (normalizeCountryCode(value) ?? value),
    ),
    rule(
      'isCountryCode',
      (value) => typeof value === 'string' && normalizeCountryCode(value) === value,
      '$property must be an ISO 3166-1 alpha-2 or alpha-3 country code',
      {
        each: options.each,
      },
    ),
  );

/** An organization code, case-insensitive, normalized to upper case. Whether it exists is the domain's question. */
export const IsOrganizationCode = (options: { optional?: boolean } = {}) =>
  applyDecorators(
    ...optionality(!!options.optional, { type: String, example: 'SCO' }),
    Transform(({ value }: { value: unknown }) => normalizeOrganizationCode(value) ?? value),
    rule(
      'isOrganizationCode',
      (value) => typeof value === 'string' && normalizeOrganizationCode(value) === value,
      '$property must be an organization code such as SCO',
    ),
  );
