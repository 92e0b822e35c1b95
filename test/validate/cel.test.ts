import { Validator } from '../../scripts/validate/index';
import { messagesAt, networkClaim, networkXrd } from './fixtures';

function role(forProvider: Record<string, unknown>, managementPolicies?: string[]): Record<string, any> {
  return {
    apiVersion: 'iam.aws.upbound.io/v1beta1',
    kind: 'Role',
    metadata: { name: 'lambda-use1-dev' },
    spec: { forProvider, ...(managementPolicies ? { managementPolicies } : {}) },
  };
}

/** The network XRD with extra CEL rules on the claim/composite spec. */
function xrdWithRules(rules: object[]): Record<string, any> {
  const xrd = networkXrd();
  xrd.spec.versions[0].schema.openAPIV3Schema.properties.spec['x-kubernetes-validations'] = rules;
  return xrd;
}

describe('x-kubernetes-validations (CEL) on create', () => {
  const validator = Validator.load();

  it('fails an upjet managed resource without a CEL-required parameter with the rule message', () => {
    expect(messagesAt(validator.validateObject(role({})), 'spec')).toEqual([
      'spec.forProvider.assumeRolePolicy is a required parameter',
    ]);
  });

  it('evaluates the rule on the defaulted object (managementPolicies defaults to ["*"])', () => {
    expect(validator.validateObject(role({ assumeRolePolicy: '{}' }))).toEqual([]);
    expect(validator.validateObject(role({}, ['Observe']))).toEqual([]);
  });

  it('accepts the parameter from initProvider, as the rule allows', () => {
    const object = role({});
    object.spec.initProvider = { assumeRolePolicy: '{}' };
    expect(validator.validateObject(object)).toEqual([]);
  });

  it('uses messageExpression, then message, then the rule text', () => {
    const local = Validator.load();
    local.addXrds([
      xrdWithRules([
        { rule: "self.parameters.cidrBlock.endsWith('/16')", messageExpression: "'cidrBlock ' + self.parameters.cidrBlock + ' is not a /16'" },
        { rule: "self.parameters.region == 'us-east-1'", message: 'only us-east-1 for now' },
        { rule: 'size(self.parameters.cidrBlock) < 5' },
      ]),
    ]);
    const claim = networkClaim();
    claim.spec.parameters = { region: 'us-west-2', cidrBlock: '10.1.0.0/24' };
    expect(messagesAt(local.validateObject(claim), 'spec')).toEqual([
      'cidrBlock 10.1.0.0/24 is not a /16',
      'only us-east-1 for now',
      'failed rule: size(self.parameters.cidrBlock) < 5',
    ]);
  });

  it('reports a rule that does not compile, naming the rule, instead of passing it', () => {
    const local = Validator.load();
    local.addXrds([xrdWithRules([{ rule: 'self.parameters.region ==', message: 'x' }, { rule: "self.parameters.region.startsWithh('us')" }])]);
    const messages = messagesAt(local.validateObject(networkClaim()), 'spec');
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^rule does not compile: .*\(rule: self\.parameters\.region ==\)$/);
    expect(messages[1]).toBe("rule does not compile: undeclared function startsWithh (rule: self.parameters.region.startsWithh('us'))");
  });

  it('skips transition rules (oldSelf) and counts them', () => {
    const local = Validator.load();
    const report = local.validateDocuments([
      { file: 'xrd.yaml', doc: xrdWithRules([{ rule: 'self.parameters.region == oldSelf.parameters.region', message: 'immutable' }]) },
      { file: 'claim.yaml', doc: networkClaim() },
    ]);
    expect(report.problems).toEqual([]);
    // one in the claim above, plus the vendored XRD CRD's own `self == oldSelf` rules on the XRD document
    expect(report.celSkipped).toBeGreaterThanOrEqual(2);
    const withoutTransitionRule = Validator.load().validateDocuments([
      { file: 'xrd.yaml', doc: networkXrd() },
      { file: 'claim.yaml', doc: networkClaim() },
    ]);
    expect(report.celSkipped - withoutTransitionRule.celSkipped).toBe(1);
  });

  it('exposes properties named like CEL keywords as __name__ (Usage: of.resourceRef.namespace)', () => {
    const usage = {
      apiVersion: 'protection.crossplane.io/v1beta1',
      kind: 'Usage',
      metadata: { name: 'cluster-uses-subnet-group', namespace: 'payments-dr' },
      spec: { of: { apiVersion: 'rds.aws.upbound.io/v1beta1', kind: 'SubnetGroup', resourceRef: { name: 'db', namespace: 'other' } } },
    };
    expect(validator.validateObject(usage)).toEqual([
      expect.objectContaining({ path: 'spec', message: 'either "spec.by" or "spec.reason" must be specified.' }),
      expect.objectContaining({ path: 'spec', message: 'cross-namespace "spec.of" is not allowed without "spec.by" resource.' }),
    ]);
    const sameNamespace = structuredClone(usage);
    delete (sameNamespace.spec.of.resourceRef as { namespace?: string }).namespace;
    expect(messagesAt(validator.validateObject(sameNamespace), 'spec')).toEqual(['either "spec.by" or "spec.reason" must be specified.']);
  });
});
