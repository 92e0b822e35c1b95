import { fieldPath, isPlainObject } from './schema';

/** How a kind's metadata.name is checked by the API server. */
export type NameRule = 'dns1123Subdomain' | 'dns1123Label' | 'dns1035Label' | 'pathSegment';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

type Sink = (path: string, message: string) => void;

function nameProblem(name: string, rule: NameRule): string | undefined {
  switch (rule) {
    case 'dns1123Label':
      return name.length <= 63 && DNS1123_LABEL.test(name)
        ? undefined
        : 'must be a DNS-1123 label: at most 63 lowercase alphanumerics or "-", starting and ending alphanumeric';
    case 'dns1035Label':
      return name.length <= 63 && DNS1035_LABEL.test(name)
        ? undefined
        : 'must be a DNS-1035 label: at most 63 lowercase alphanumerics or "-", starting with a letter';
    case 'pathSegment':
      return name === '.' || name === '..' || /[/%]/.test(name) ? 'may not be "." or ".." and may not contain "/" or "%"' : undefined;
    case 'dns1123Subdomain':
      return name.length <= 253 && DNS1123_SUBDOMAIN.test(name)
        ? undefined
        : 'must be a DNS-1123 subdomain: at most 253 lowercase alphanumerics, "-" or ".", starting and ending alphanumeric';
  }
}

/** Problem with a label or annotation key (`[prefix/]name`), if any. */
function qualifiedNameProblem(key: string): string | undefined {
  const parts = key.split('/');
  if (parts.length > 2) return 'a qualified name has at most one "/"';
  const [prefix, name] = parts.length === 2 ? parts : [undefined, parts[0]];
  if (prefix !== undefined && !(prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix))) {
    return `prefix "${prefix}" must be a DNS-1123 subdomain`;
  }
  if (!(name.length <= 63 && QUALIFIED_NAME_PART.test(name))) {
    return `name part "${name}" must be at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric`;
  }
  return undefined;
}

function checkKeys(map: unknown, path: string, what: string, report: Sink): void {
  if (!isPlainObject(map)) return;
  for (const key of Object.keys(map)) {
    const problem = qualifiedNameProblem(key);
    if (problem) report(fieldPath(path, key), `invalid ${what} key: ${problem}`);
  }
}

/**
 * The value rules the API server applies to ObjectMeta beyond its shape: name and namespace
 * syntax, label keys and values, annotation keys and total size.
 */
export function checkObjectMetaValues(meta: unknown, path: string, nameRule: NameRule, report: Sink): void {
  if (!isPlainObject(meta)) return;
  if (typeof meta.name === 'string') {
    const problem = nameProblem(meta.name, nameRule);
    if (problem) report(fieldPath(path, 'name'), `invalid name "${meta.name}": ${problem}`);
  }
  if (typeof meta.namespace === 'string') {
    const problem = nameProblem(meta.namespace, 'dns1123Label');
    if (problem) report(fieldPath(path, 'namespace'), `invalid namespace "${meta.namespace}": ${problem}`);
  }
  checkKeys(meta.labels, fieldPath(path, 'labels'), 'label', report);
  if (isPlainObject(meta.labels)) {
    for (const [key, value] of Object.entries(meta.labels)) {
      if (typeof value === 'string' && !(value.length <= 63 && LABEL_VALUE.test(value))) {
        report(
          fieldPath(fieldPath(path, 'labels'), key),
          `invalid label value "${value}": at most 63 alphanumerics, "-", "_" or ".", starting and ending alphanumeric`,
        );
      }
    }
  }
  checkKeys(meta.annotations, fieldPath(path, 'annotations'), 'annotation', report);
  if (isPlainObject(meta.annotations)) {
    const bytes = Object.entries(meta.annotations).reduce(
      (total, [key, value]) => total + Buffer.byteLength(key) + Buffer.byteLength(String(value)),
      0,
    );
    if (bytes > ANNOTATIONS_MAX_BYTES) {
      report(fieldPath(path, 'annotations'), `annotations total ${bytes} bytes, more than the ${ANNOTATIONS_MAX_BYTES} allowed`);
    }
  }
}
