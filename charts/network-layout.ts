import { parseCidr } from './config/validate';

export interface SubnetLayout {
  /** Private subnets (Lambda, Aurora), one per zone. */
  readonly private: readonly [string, string, string];
  /** Public subnets (NAT gateways only), one per zone. */
  readonly public: readonly [string, string, string];
}

function formatCidr(start: number, prefix: number): string {
  const octets = [24, 16, 8, 0].map((shift) => Math.floor(start / 2 ** shift) % 256);
  return `${octets.join('.')}/${prefix}`;
}

/**
 * Splits a VPC CIDR into 3 private and 3 public subnets. The private subnets (Lambda ENIs,
 * Aurora) get a quarter of the VPC each; the public subnets only hold NAT gateways, so they share
 * the last quarter as sixteenths. A /16 gives three /18 private and three /20 public subnets; a
 * /24 (the smallest the config accepts) gives three /26 and three /28 (AWS's minimum).
 */
export function subnetLayout(vpcCidr: string): SubnetLayout {
  const parsed = parseCidr(vpcCidr);
  if (typeof parsed === 'string') throw new Error(`subnetLayout: VPC CIDR "${vpcCidr}" ${parsed}`);
  const prefix = 32 - Math.log2(parsed.size);
  const quarter = parsed.size / 4;
  const sixteenth = parsed.size / 16;
  const privateSubnets = [0, 1, 2].map((i) => formatCidr(parsed.start + i * quarter, prefix + 2));
  const publicSubnets = [0, 1, 2].map((i) => formatCidr(parsed.start + 3 * quarter + i * sixteenth, prefix + 4));
  return { private: privateSubnets as [string, string, string], public: publicSubnets as [string, string, string] };
}
