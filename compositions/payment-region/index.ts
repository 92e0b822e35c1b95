import { Construct } from 'constructs';
import { PipelineComposition } from '../lib/composition';
import { alertingResources } from './alerting';
import { apiResources } from './api';
import { patchSets } from './common';
import { computeResources } from './compute';
import { dashboardResources } from './dashboard';
import { drillResources } from './drills';
import { failoverScheduleResources } from './failover';
import { networkResources } from './network';
import { storageResources } from './storage';
import { PAYMENT_REGION_COMPOSITION, PaymentRegionXrd } from './xrd';

export { PAYMENT_REGION_KIND, PAYMENT_REGION_COMPOSITION } from './xrd';

/** The PaymentRegion API: its XRD and the Composition that implements it on AWS. */
export class PaymentRegionApi extends Construct {
  readonly xrd: PaymentRegionXrd;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.xrd = new PaymentRegionXrd(this, 'definition');
    new PipelineComposition(this, 'composition', {
      name: PAYMENT_REGION_COMPOSITION,
      compositeTypeRef: { apiVersion: this.xrd.apiVersionOfKinds, kind: this.xrd.compositeKind },
      patchSets,
      resources: [
        ...networkResources(),
        ...storageResources(),
        ...computeResources(),
        ...failoverScheduleResources(),
        ...apiResources(),
        ...alertingResources(),
        ...dashboardResources(),
        ...drillResources(),
      ],
    });
  }
}
