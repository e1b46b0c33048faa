const PATTERN = /^[A-Z][A-Z0-9-]{1,15}$/;

/** Organization codes are case-insensitive on input and upper case inside. */
export function normalizeOrganizationCode(input: unknown): string | undefined {
  if (typeof input !== 'string') return undefined;
  const code = input.trim().toUpperCase();
  return PATTERN.test(code) ? code : undefined;
}
