import type { JsonSchema } from './xrd';

/** Small builders for XRD OpenAPI schemas: every field gets a type, a rule and a description. */
export const schema = {
  string: (description: string, rules: { pattern?: string; maxLength?: number; minLength?: number } = {}): JsonSchema => ({
    type: 'string',
    description,
    ...rules,
  }),
  enum: (description: string, values: readonly string[]): JsonSchema => ({ type: 'string', description, enum: [...values] }),
  integer: (description: string, minimum: number, maximum: number): JsonSchema => ({ type: 'integer', description, minimum, maximum }),
  boolean: (description: string): JsonSchema => ({ type: 'boolean', description }),
  array: (description: string, items: JsonSchema, minItems: number, maxItems: number): JsonSchema => ({
    type: 'array',
    description,
    items,
    minItems,
    maxItems,
  }),
  object: (
    description: string,
    properties: Record<string, JsonSchema>,
    required: readonly string[] = Object.keys(properties),
  ): JsonSchema => ({
    type: 'object',
    description,
    properties,
    ...(required.length ? { required: [...required] } : {}),
  }),
};

export const PATTERNS = {
  environmentSuffix: '^[a-z0-9]+$',
  awsAccountId: '^[0-9]{12}$',
  cidr: '^([0-9]{1,3}\\.){3}[0-9]{1,3}/[0-9]{1,2}$',
  hostedZoneId: '^Z[A-Z0-9]{1,31}$',
  dnsName: '^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$',
  email: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
  availabilityZone: '^[a-z]{2}-[a-z]+-[0-9][a-z]$',
  sha256Base64: '^[A-Za-z0-9+/]{43}=$',
} as const;
