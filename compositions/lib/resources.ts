import { LABEL } from '../../facts/labels';

/** Labels a base carries from the start (environment/region come from the labels patch set). */
export interface BaseLabels {
  readonly component: string;
  readonly purpose?: string;
}

/** Adds the static part of the label set to a `Kind.manifest(...)` base. */
export function withLabels(manifest: Record<string, unknown>, labels: BaseLabels): Record<string, unknown> {
  const metadata = {
    ...(manifest.metadata as Record<string, unknown>),
    labels: {
      [LABEL.partOf]: 'payments-dr',
      [LABEL.managedBy]: 'crossplane',
      [LABEL.component]: labels.component,
      ...(labels.purpose ? { [LABEL.purpose]: labels.purpose } : {}),
    },
  };
  return { ...manifest, metadata };
}

/** Selector for a resource composed by the same XR, optionally narrowed by labels. */
export function sameComposite(matchLabels?: Record<string, string>): Record<string, unknown> {
  return { matchControllerRef: true, ...(matchLabels ? { matchLabels } : {}) };
}

/**
 * The generated classes require forProvider.region, but in a Composition base it is patched from
 * the XR (patch set "region", and spec.region is required by the XRD); no placeholder region is
 * written into a base.
 */
export function regionFromXr<T extends { region: string }>(forProvider: Omit<T, 'region'>): T {
  return forProvider as T;
}
