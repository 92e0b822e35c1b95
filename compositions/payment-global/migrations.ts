import { LABEL } from '../../facts/labels';
import { Invocation } from '../../imports/lambda.aws.upbound.io';
import type { ComposedResource } from '../lib/composition';
import { combine, required } from '../lib/patches';
import { awsRegion, homedResource, regionResourceSelector } from './common';
import { APP_CREDENTIALS_VERSION_ID } from './secrets';

/** The XR field with the hash of the migration set of this synth (functions/migrate/migration-set.ts). */
export const MIGRATION_SET_HASH = 'spec.migrations.setHash';

/** Labels of the migrate Function the PaymentRegion claim composes (selected in us-east-1). */
export const MIGRATE_FUNCTION_LABELS = { [LABEL.component]: 'compute', [LABEL.purpose]: 'migrate' } as const;

/**
 * Runs the schema migrations on deploy: one Invocation of the us-east-1 migrate function (which
 * connects to the global writer endpoint, so it reaches the writer wherever a failover put it).
 *
 * Its input is `{"migrationSetHash", "appCredentialsVersionId"}`; both come from git (the synth's
 * set hash; a raised secretVersions.dbAppCredentials makes a new SecretVersion with a new id).
 * lifecycleScope CRUD: terraform-provider-aws aws_lambda_invocation forces a REPLACEMENT on an
 * input change under the default CREATE_ONLY (customizeDiffInputChangeWithCreateOnlyScope), which
 * upjet refuses; under CRUD an input change is an Update, which invokes once with the new input
 * (plus `tf.action`), and an unchanged input invokes nothing. A function error (FunctionError in
 * the Invoke answer) fails the create/update ("Lambda function (...) returned error"), so the
 * Invocation is not Synced and the provider retries it.
 *
 * It waits for the version id to exist (Required): the role's password is never set from a
 * secret version that has not been written yet.
 */
export function migrationResources(): ComposedResource[] {
  const fn = regionResourceSelector('use1', MIGRATE_FUNCTION_LABELS, 'spec.forProvider.functionNameSelector');
  return [
    homedResource({
      name: 'invocation-migrate',
      type: 'invocation-migrate',
      component: 'database',
      purpose: 'migrate',
      manifest: Invocation.manifest({
        spec: {
          forProvider: {
            region: awsRegion('use1'),
            functionNameSelector: fn.selector,
            lifecycleScope: 'CRUD',
          },
        },
      }),
      patches: [
        fn.patch,
        required(
          combine(
            '{"migrationSetHash":"%s","appCredentialsVersionId":"%s"}',
            [MIGRATION_SET_HASH, APP_CREDENTIALS_VERSION_ID],
            'spec.forProvider.input',
          ),
        ),
      ],
    }),
  ];
}
