import { Construct } from 'constructs';
import { FUNCTION_AUTO_READY, FUNCTION_CEL_FILTER, FUNCTION_PATCH_AND_TRANSFORM } from '../compositions/lib/composition';
import { Function as CrossplaneFunction } from '../imports/pkg.crossplane.io';
import type { CrossplaneConfig } from './config/platform-types';
import { pullSecretRefs } from './crossplane-providers';

export interface CrossplaneFunctionsProps {
  /** A validated Crossplane section of the platform config (function packages, pull secrets). */
  readonly crossplane: CrossplaneConfig;
}

/**
 * The composition functions every Composition pipeline calls, pinned, under the names the
 * pipelines reference (compositions/lib/composition.ts).
 */
export class CrossplaneFunctions extends Construct {
  constructor(scope: Construct, id: string, props: CrossplaneFunctionsProps) {
    super(scope, id);
    const { functions } = props.crossplane;
    const pullSecrets = pullSecretRefs(props.crossplane);
    const packages = [
      { name: FUNCTION_PATCH_AND_TRANSFORM, ref: functions.patchAndTransform },
      { name: FUNCTION_CEL_FILTER, ref: functions.celFilter },
      { name: FUNCTION_AUTO_READY, ref: functions.autoReady },
    ];
    for (const { name, ref } of packages) {
      new CrossplaneFunction(this, name, {
        metadata: { name },
        spec: { package: `${ref.repository}:${ref.version}`, packagePullSecrets: pullSecrets },
      });
    }
  }
}
