/** The two regions of the design are fixed: us-east-1 is primary, us-west-2 is secondary. */
export const REGIONS = {
  use1: { region: 'us-east-1', role: 'PRIMARY' },
  usw2: { region: 'us-west-2', role: 'SECONDARY' },
} as const;

export type RegionSuffix = keyof typeof REGIONS;
export type AwsRegion = (typeof REGIONS)[RegionSuffix]['region'];
export type FailoverRole = (typeof REGIONS)[RegionSuffix]['role'];

/** Region suffixes in a stable order (primary first). */
export const REGION_SUFFIXES: readonly RegionSuffix[] = ['use1', 'usw2'];

/** Resources homed in one region but serving both (global cluster, global tables, replicated secrets) carry this suffix. */
export const HOME_REGION: RegionSuffix = 'use1';
