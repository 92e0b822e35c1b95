import { Validator } from '../../scripts/validate/index';
import { messagesAt, vpc } from './fixtures';

const validator = Validator.load();

describe('managed resources against their vendored CRD', () => {
  it('accepts a valid VPC', () => {
    expect(validator.validateObject(vpc())).toEqual([]);
  });

  it('rejects a misspelled field, naming it and suggesting the declared one', () => {
    const object = vpc();
    object.spec.forProvider.cidrBlok = object.spec.forProvider.cidrBlock;
    delete object.spec.forProvider.cidrBlock;
    const problems = validator.validateObject(object, { file: 'dist/network.yaml' });
    expect(problems).toEqual([
      {
        file: 'dist/network.yaml',
        kind: 'VPC',
        name: 'vpc-use1-dev',
        path: 'spec.forProvider.cidrBlok',
        message: 'unknown field "cidrBlok" (did you mean "cidrBlock"?)',
      },
    ]);
  });

  it('rejects a value of the wrong type', () => {
    const object = vpc();
    object.spec.forProvider.enableDnsSupport = 'yes';
    expect(messagesAt(validator.validateObject(object), 'spec.forProvider.enableDnsSupport')).toEqual([
      'must be of type boolean, got string "yes"',
    ]);
  });

  it('rejects a value outside the enum and lists the allowed ones', () => {
    const object = vpc();
    object.spec.deletionPolicy = 'Retain';
    expect(messagesAt(validator.validateObject(object), 'spec.deletionPolicy')).toEqual([
      'unsupported value "Retain"; supported values: "Orphan", "Delete"',
    ]);
  });

  it('reports a missing required parameter at its path', () => {
    const object = vpc();
    delete object.spec.forProvider.region;
    expect(messagesAt(validator.validateObject(object), 'spec.forProvider.region')).toEqual(['required field is missing']);
  });

  it('fills schema defaults before validating', () => {
    const defaulted = validator.withDefaults(vpc());
    expect(defaulted.spec.deletionPolicy).toBe('Delete');
    expect(defaulted.spec.managementPolicies).toEqual(['*']);
    expect(defaulted.spec.providerConfigRef).toEqual({ name: 'default' });
    expect(vpc().spec.deletionPolicy).toBeUndefined();
  });

  it('leaves the object it is given untouched', () => {
    const object = vpc();
    validator.validateObject(object);
    expect(object).toEqual(vpc());
  });

  it('checks ObjectMeta shape and values instead of pruning them', () => {
    const object = vpc();
    object.metadata.name = 'VPC_use1';
    object.metadata.labels = { 'example.org/region': 'us east 1' };
    object.metadata.lables = {};
    const problems = validator.validateObject(object);
    expect(messagesAt(problems, 'metadata.name')[0]).toMatch(/^invalid name "VPC_use1": must be a DNS-1123 subdomain/);
    expect(messagesAt(problems, 'metadata.labels["example.org/region"]')[0]).toMatch(/^invalid label value "us east 1"/);
    expect(messagesAt(problems, 'metadata.lables')).toEqual(['unknown field "lables" (did you mean "labels"?)']);
  });

  it('checks the formats the API server knows: date-time and int32', () => {
    const object = vpc();
    object.metadata.creationTimestamp = 'yesterday';
    expect(messagesAt(validator.validateObject(object), 'metadata.creationTimestamp')).toEqual(['"yesterday" is not a valid date-time']);
    const runtime = {
      apiVersion: 'pkg.crossplane.io/v1beta1',
      kind: 'DeploymentRuntimeConfig',
      metadata: { name: 'runtime' },
      spec: { deploymentTemplate: { spec: { replicas: 2 ** 31, selector: {}, template: {} } } },
    };
    expect(messagesAt(validator.validateObject(runtime), 'spec.deploymentTemplate.spec.replicas')).toEqual(['2147483648 is not a valid int32']);
  });

  it('accepts an int-or-string field with either and rejects other types', () => {
    const deployment = {
      apiVersion: 'pkg.crossplane.io/v1beta1',
      kind: 'DeploymentRuntimeConfig',
      metadata: { name: 'runtime' },
      spec: { deploymentTemplate: { spec: { strategy: { rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } }, selector: {}, template: {} } } },
    };
    expect(validator.validateObject(deployment)).toEqual([]);
    (deployment.spec.deploymentTemplate.spec.strategy.rollingUpdate as Record<string, unknown>).maxSurge = true;
    expect(messagesAt(validator.validateObject(deployment), 'spec.deploymentTemplate.spec.strategy.rollingUpdate.maxSurge')).toEqual([
      'must be an integer or a string, got boolean true',
    ]);
  });

  it('reports duplicate keys in an x-kubernetes-list-type map', () => {
    const object = vpc();
    object.status = {
      conditions: [
        { type: 'Ready', status: 'True', reason: 'Available', lastTransitionTime: '2026-01-01T00:00:00Z' },
        { type: 'Ready', status: 'False', reason: 'Creating', lastTransitionTime: '2026-01-01T00:00:00Z' },
      ],
    };
    expect(messagesAt(validator.validateObject(object), 'status.conditions[1]')).toEqual([
      'duplicate entry ["Ready"] in a list that must hold unique entries',
    ]);
  });
});
