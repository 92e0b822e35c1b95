import type { RegionSuffix } from './regions';

/** The project's API group: XRDs, claims and the label keys below all use it. */
export const API_GROUP = 'payments-dr.io';

/** Label keys, the same on every object the project renders and every resource a Composition composes. */
export const LABEL = {
  environment: `${API_GROUP}/environment`,
  region: `${API_GROUP}/region`,
  component: `${API_GROUP}/component`,
  zone: `${API_GROUP}/zone`,
  /** Tells apart composed resources of one kind inside a composite (e.g. webhook vs health role, private vs public subnet). */
  purpose: `${API_GROUP}/purpose`,
  partOf: 'app.kubernetes.io/part-of',
  managedBy: 'app.kubernetes.io/managed-by',
} as const;

export interface LabelScope {
  /** Environment suffix, e.g. "dev"; absent for platform-wide objects. */
  readonly environment?: string;
  /** Region suffix; absent for objects that are not regional. */
  readonly region?: RegionSuffix;
  /** What the object is part of, e.g. "network", "database", "platform". */
  readonly component: string;
}

/** The project's label set for one scope. */
export function projectLabels(scope: LabelScope): Record<string, string> {
  return {
    [LABEL.partOf]: 'payments-dr',
    [LABEL.managedBy]: 'cdk8s',
    [LABEL.component]: scope.component,
    ...(scope.environment ? { [LABEL.environment]: scope.environment } : {}),
    ...(scope.region ? { [LABEL.region]: scope.region } : {}),
  };
}
