/**
 * Optional composed resources (a NAT gateway slot, an alert subscription, an extra Aurora
 * instance, the idle secret-version slot) are dropped by function-cel-filter after
 * function-patch-and-transform, never skipped by a Required patch: P&T marks the XR not ready
 * whenever it skips a template (fn.go, `if skipped > 0`), so a slot that stays unused would keep
 * the claim from ever becoming Ready.
 */
import type { ComposedResource } from './composition';

/** One function-cel-filter (cel.fn.crossplane.io/v1beta1 Filters) entry. */
export interface CelFilter {
  /** A regular expression (the function anchors it with ^…$) matched against composition resource names. */
  readonly name: string;
  /** CEL over `observed`, `desired` and `context`; the resource is kept while it evaluates to true. */
  readonly expression: string;
}

const SEGMENT = /^([A-Za-z_][A-Za-z0-9_]*)((?:\[\d+\])*)$/;

/**
 * CEL that is true while the observed XR has `fieldPath` (dots and `[i]` list indexes, e.g.
 * `spec.network.natGatewayZones[1]`): every map key is tested with `in`, every index with `size()`,
 * so an absent parent evaluates to false instead of a CEL error.
 */
export function xrFieldPresent(fieldPath: string): string {
  let expression = 'observed.composite.resource';
  const tests: string[] = [];
  for (const segment of fieldPath.split('.')) {
    const match = SEGMENT.exec(segment);
    if (!match)
      throw new Error(`optional resource condition: field path "${fieldPath}" has segment "${segment}"; expected name or name[i]`);
    tests.push(`'${match[1]}' in ${expression}`);
    expression = `${expression}['${match[1]}']`;
    for (const index of match[2].match(/\d+/g) ?? []) {
      tests.push(`size(${expression}) > ${index}`);
      expression = `${expression}[${index}]`;
    }
  }
  return tests.join(' && ');
}

/** The resource is composed only while the observed XR has `xrFieldPath`. */
export function composedWhenPresent(resource: ComposedResource, xrFieldPath: string): ComposedResource {
  return { ...resource, composedWhen: xrFieldPresent(xrFieldPath) };
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The filters for every resource that has a condition, in resource order. */
export function celFilters(resources: readonly ComposedResource[]): CelFilter[] {
  return resources.flatMap((resource) =>
    resource.composedWhen ? [{ name: escapeRegExp(resource.name), expression: resource.composedWhen }] : [],
  );
}
