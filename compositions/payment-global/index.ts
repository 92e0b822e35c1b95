import { Construct } from 'constructs';
import { PipelineComposition } from '../lib/composition';
import { alarmResources } from './alarms';
import { auroraResources } from './aurora';
import { patchSets } from './common';
import { migrationResources } from './migrations';
import { peeringResources } from './peering';
import { secretResources } from './secrets';
import { tableResources } from './tables';
import { usageResources } from './usages';
import { PAYMENT_GLOBAL_COMPOSITION, PaymentGlobalXrd } from './xrd';

export { PAYMENT_GLOBAL_KIND, PAYMENT_GLOBAL_COMPOSITION } from './xrd';
export { MAX_INSTANCES_PER_REGION } from './aurora';

/** The PaymentGlobal API: its XRD and the Composition that implements it on AWS. */
export class PaymentGlobalApi extends Construct {
  constructor(scope: Construct, id: string) {
    super(scope, id);
    const xrd = new PaymentGlobalXrd(this, 'definition');
    new PipelineComposition(this, 'composition', {
      name: PAYMENT_GLOBAL_COMPOSITION,
      compositeTypeRef: { apiVersion: xrd.apiVersionOfKinds, kind: xrd.compositeKind },
      patchSets,
      resources: [
        ...auroraResources(),
        ...tableResources(),
        ...secretResources(),
        ...migrationResources(),
        ...peeringResources(),
        ...usageResources(),
        ...alarmResources(),
      ],
    });
  }
}
