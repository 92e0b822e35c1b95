import { isIP } from 'net';
import { fullFormats } from 'ajv-formats/dist/formats';

type FormatCheck = (value: string | number) => boolean;

function fromAjv(name: keyof typeof fullFormats): FormatCheck {
  const format = fullFormats[name];
  if (format instanceof RegExp) return (value) => format.test(String(value));
  if (typeof format === 'function') return (value) => format(String(value));
  if (typeof format === 'object' && 'validate' in format) {
    const check = format.validate;
    return (value) => (check instanceof RegExp ? check.test(String(value)) : (check as (v: unknown) => boolean)(value));
  }
  return () => true;
}

/** Go's time.ParseDuration syntax, which Kubernetes uses for `format: duration`. */
const GO_DURATION = /^[-+]?(\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)((\d+(\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h))*$|^[-+]?0$/;
const MAC = /^([0-9A-Fa-f]{2}[:-]){5}[0-9A-Fa-f]{2}$/;
const HEX_COLOR = /^#?([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$/;
const BSON_OBJECT_ID = /^[0-9a-f]{24}$/;
function uuidOfVersion(version: number): FormatCheck {
  const pattern = new RegExp(`^[0-9a-f]{8}-[0-9a-f]{4}-${version}[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`, 'i');
  return (value) => pattern.test(String(value));
}

function isCidr(value: string): boolean {
  const [address, prefix, ...rest] = value.split('/');
  if (rest.length || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return false;
  const family = isIP(address);
  return family !== 0 && Number(prefix) <= (family === 4 ? 32 : 128);
}

/**
 * Formats the Kubernetes API server checks (k8s.io/kube-openapi strfmt plus the numeric ones).
 * Any other format is ignored, as the API server ignores it.
 */
const FORMATS: Record<string, FormatCheck> = {
  int32: fromAjv('int32'),
  int64: fromAjv('int64'),
  float: () => true,
  double: () => true,
  byte: fromAjv('byte'),
  date: fromAjv('date'),
  'date-time': fromAjv('date-time'),
  datetime: fromAjv('date-time'),
  duration: (value) => GO_DURATION.test(String(value)),
  uri: fromAjv('uri'),
  email: fromAjv('email'),
  hostname: fromAjv('hostname'),
  ipv4: (value) => isIP(String(value)) === 4,
  ipv6: (value) => isIP(String(value)) === 6,
  cidr: (value) => isCidr(String(value)),
  mac: (value) => MAC.test(String(value)),
  uuid: fromAjv('uuid'),
  uuid3: uuidOfVersion(3),
  uuid4: uuidOfVersion(4),
  uuid5: uuidOfVersion(5),
  hexcolor: (value) => HEX_COLOR.test(String(value)),
  bsonobjectid: (value) => BSON_OBJECT_ID.test(String(value)),
};

/** False when `value` breaks a known format; true for valid values and for unknown formats. */
export function satisfiesFormat(format: string, value: string | number): boolean {
  const check = FORMATS[format];
  return check ? check(value) : true;
}
