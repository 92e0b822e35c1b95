/**
 * Builders for function-patch-and-transform patches and transforms (pt.fn.crossplane.io/v1beta1
 * `Resources` input). They return plain JSON: the validator checks every patch against the input
 * CRD and every path against the XRD and the composed resource's CRD.
 */
export type Transform = Record<string, unknown>;
export type Patch = Record<string, unknown>;

/** Copies an XR field into the composed resource. Optional by default: skipped when the field is absent. */
export function fromXr(fromFieldPath: string, toFieldPath: string, ...transforms: Transform[]): Patch {
  return { type: 'FromCompositeFieldPath', fromFieldPath, toFieldPath, ...(transforms.length ? { transforms } : {}) };
}

/** Copies an observed composed-resource field into the XR (usually its status). */
export function toXr(fromFieldPath: string, toFieldPath: string, ...transforms: Transform[]): Patch {
  return { type: 'ToCompositeFieldPath', fromFieldPath, toFieldPath, ...(transforms.length ? { transforms } : {}) };
}

/** Formats several XR fields into one string (`fmt` uses %s placeholders in variable order). */
export function combine(fmt: string, variables: readonly string[], toFieldPath: string): Patch {
  return {
    type: 'CombineFromComposite',
    combine: { variables: variables.map((fromFieldPath) => ({ fromFieldPath })), strategy: 'string', string: { fmt } },
    toFieldPath,
  };
}

/**
 * The resource is not composed until the source field exists (function-patch-and-transform
 * "Required" policy). Only for status a composed resource will report (two-phase values): while P&T
 * holds a template back the XR is not ready, so a slot that may stay unused uses composedWhenPresent.
 */
export function required(patch: Patch): Patch {
  return { ...patch, policy: { fromFieldPath: 'Required' } };
}

/** Applies a named patch set of the Composition. */
export function patchSet(patchSetName: string): Patch {
  return { type: 'PatchSet', patchSetName };
}

export function format(fmt: string): Transform {
  return { type: 'string', string: { type: 'Format', fmt } };
}

/** Map transform: a value missing from the map is an error, so every allowed input must be listed. */
export function mapValues(map: Record<string, unknown>): Transform {
  return { type: 'map', map };
}

/**
 * A CombineFromComposite patch written as a readable template: every `{{token}}` becomes a `%s`
 * whose variable is `fields[token]`, in order of appearance (a token may repeat); literal `%`
 * signs are escaped. Used for IAM and KMS policy documents, which need XR values inside JSON.
 */
export function templated(template: string, fields: Readonly<Record<string, string>>, toFieldPath: string): Patch {
  const variables: string[] = [];
  const fmt = template.replace(/%/g, '%%').replace(/\{\{(\w+)\}\}/g, (_, token: string) => {
    const field = fields[token];
    if (!field) throw new Error(`template token {{${token}}} has no field (known: ${Object.keys(fields).join(', ')})`);
    variables.push(field);
    return '%s';
  });
  if (variables.length === 0) throw new Error(`template for ${toFieldPath} has no {{tokens}}: write it into the base instead`);
  return combine(fmt, variables, toFieldPath);
}
