import { isPlainObject, type SchemaNode } from './schema';

export const RESOURCES_INPUT_API_VERSION = 'pt.fn.crossplane.io/v1beta1';
export const RESOURCES_INPUT_KIND = 'Resources';

/** True for a pipeline step input that function-patch-and-transform reads. */
export function isResourcesInput(input: unknown): input is Record<string, unknown> {
  return isPlainObject(input) && input.apiVersion === RESOURCES_INPUT_API_VERSION && input.kind === RESOURCES_INPUT_KIND;
}

/** String transform types the function implements but its input CRD's enum leaves out. */
const UNDECLARED_STRING_TRANSFORM_TYPES = ['Join', 'Replace'];

function isStringTransform(schema: SchemaNode): boolean {
  const properties = schema.properties ?? {};
  return Boolean(properties.join && properties.replace && properties.type?.enum?.includes('Format'));
}

/**
 * The Resources input schema, amended so that string transforms of type `Join` and `Replace`
 * pass: function-patch-and-transform supports them (its CRD even declares their `join` and
 * `replace` settings) but the CRD's `type` enum omits them (see ../shared/crds/README.md).
 */
export function acceptingJoinAndReplace(schema: SchemaNode): SchemaNode {
  const amended = structuredClone(schema);
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(visit);
    if (!isPlainObject(node)) return;
    const typed = node as SchemaNode;
    if (isStringTransform(typed)) {
      const type = typed.properties!.type;
      type.enum = [...new Set([...(type.enum ?? []), ...UNDECLARED_STRING_TRANSFORM_TYPES])];
    }
    Object.values(node).forEach(visit);
  };
  visit(amended);
  return amended;
}
