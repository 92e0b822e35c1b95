import { Construct } from 'constructs';
import type { Artifact } from '../functions/build';
import { S3ObjectV1Beta2 } from '../imports/s3.aws.upbound.io';
import { REGIONS, type RegionSuffix } from '../facts/regions';
import { LABEL } from '../facts/labels';

export interface FunctionArtifactsProps {
  readonly environmentSuffix: string;
  readonly region: RegionSuffix;
  readonly artifacts: readonly Artifact[];
}

/**
 * The function zips as S3 objects in the region's artifact bucket (composed by the PaymentRegion
 * claim, selected by labels). The key and the object's name carry the content hash, so a code
 * change is a new object (the old one is pruned) and the claim's new s3Key/sourceCodeHash make
 * Lambda load it: `git push` deploys code with no upload step and no credentials in CI.
 * These objects carry the zip inline (≤ 256 KiB each), so Argo CD must apply them server-side.
 */
export class FunctionArtifacts extends Construct {
  constructor(scope: Construct, id: string, props: FunctionArtifactsProps) {
    super(scope, id);
    for (const artifact of props.artifacts) {
      new S3ObjectV1Beta2(this, artifact.name, {
        metadata: {
          name: `artifact-${artifact.name}-${artifact.sha256.slice(0, 12)}-${props.region}-${props.environmentSuffix}`,
          labels: { [LABEL.purpose]: artifact.name },
        },
        spec: {
          forProvider: {
            region: REGIONS[props.region].region,
            bucketSelector: {
              matchLabels: { [LABEL.environment]: props.environmentSuffix, [LABEL.region]: props.region, [LABEL.component]: 'artifacts' },
            },
            key: artifact.key,
            contentBase64: artifact.zip.toString('base64'),
            contentType: 'application/zip',
            forceDestroy: true,
          },
        },
      });
    }
  }
}
