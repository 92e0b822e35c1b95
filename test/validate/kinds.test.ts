import { Validator } from '../../scripts/validate/index';
import { messagesAt, networkClaim, networkXrd, vpc, XRD_API_VERSION } from './fixtures';

describe('finding the definition of each object', () => {
  const validator = Validator.load();
  validator.addXrds([networkXrd()]);

  it('rejects an unknown apiVersion/kind', () => {
    const object = { ...vpc(), kind: 'Vpc' };
    expect(validator.validateObject(object)).toEqual([
      expect.objectContaining({
        kind: 'Vpc',
        path: '',
        message:
          'unknown apiVersion/kind ec2.aws.upbound.io/v1beta1 Vpc: no vendored CRD, XRD among the documents or built-in kind defines it',
      }),
    ]);
  });

  it('rejects a version the CRD does not define', () => {
    const object = { ...vpc(), apiVersion: 'ec2.aws.upbound.io/v1beta2' };
    expect(messagesAt(validator.validateObject(object), '')).toEqual([
      'VPC has no version v1beta2 in CRD vpcs.ec2.aws.upbound.io (versions: v1beta1)',
    ]);
  });

  it('rejects metadata.namespace on a cluster-scoped kind', () => {
    const object = vpc();
    object.metadata.namespace = 'payments-dr';
    expect(messagesAt(validator.validateObject(object), 'metadata.namespace')).toEqual([
      'VPC is cluster-scoped: metadata.namespace must not be set',
    ]);
  });

  it('requires metadata.namespace on a namespaced kind', () => {
    const application = {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { name: 'payments-dr' },
      spec: { project: 'default', destination: { server: 'https://kubernetes.default.svc' }, source: { repoURL: 'https://example.org/x.git' } },
    };
    expect(messagesAt(validator.validateObject(application), 'metadata.namespace')).toEqual([
      'Application is namespaced: metadata.namespace must be set',
    ]);
  });

  it('checks only the envelope of built-in kinds and counts them apart', () => {
    const report = validator.validateDocuments([
      { file: 'a.yaml', doc: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments-dr' } } },
      { file: 'a.yaml', doc: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'payments-dr' }, data: { any: 'thing' } } },
      { file: 'a.yaml', doc: { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'Bad_Name', namespace: 'x' } } },
      { file: 'a.yaml', doc: vpc() },
    ]);
    expect(report).toMatchObject({ valid: 1, invalid: 1, builtIn: 2 });
    expect(report.problems.map((problem) => `${problem.kind} ${problem.path}: ${problem.message}`)).toEqual([
      'ClusterRole metadata.namespace: ClusterRole is cluster-scoped: metadata.namespace must not be set',
    ]);
  });

  it('applies the per-kind name rule to built-in kinds', () => {
    const namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'payments.dr' } };
    expect(messagesAt(validator.validateObject(namespace), 'metadata.name')[0]).toMatch(/^invalid name "payments.dr": must be a DNS-1123 label/);
  });
});

describe('claims and composites of an XRD among the documents', () => {
  const validator = Validator.load();
  validator.addXrds([networkXrd()]);

  it('accepts a valid claim, including the fields Crossplane injects', () => {
    expect(validator.validateObject(networkClaim())).toEqual([]);
  });

  it('rejects a claim field the XRD does not declare', () => {
    const claim = networkClaim();
    claim.spec.parameters.regoin = 'us-east-1';
    expect(validator.validateObject(claim)).toEqual([
      {
        file: '',
        kind: 'Network',
        name: 'network-use1',
        path: 'spec.parameters.regoin',
        message: 'unknown field "regoin" (did you mean "region"?)',
      },
    ]);
  });

  it('rejects a claim without a namespace', () => {
    const claim = networkClaim();
    delete claim.metadata.namespace;
    expect(messagesAt(validator.validateObject(claim), 'metadata.namespace')).toEqual([
      'Network is a claim, and claims are namespaced: metadata.namespace must be set',
    ]);
  });

  it('validates injected claim fields and fills their defaults', () => {
    const claim = networkClaim();
    claim.spec.compositeDeletePolicy = 'Orphan';
    claim.spec.writeConnectionSecretToRef = { name: 'x', namespace: 'y' };
    const problems = validator.validateObject(claim);
    expect(messagesAt(problems, 'spec.compositeDeletePolicy')).toEqual(['unsupported value "Orphan"; supported values: "Background", "Foreground"']);
    expect(messagesAt(problems, 'spec.writeConnectionSecretToRef.namespace')).toEqual(['unknown field "namespace"']);
    const defaulted = validator.withDefaults(networkClaim());
    expect(defaulted.spec.compositeDeletePolicy).toBe('Background');
    expect(defaulted.spec.parameters.environment).toBe('dev');
  });

  it('validates a composite (cluster-scoped, with claimRef and resourceRefs)', () => {
    const composite = {
      apiVersion: XRD_API_VERSION,
      kind: 'XNetwork',
      metadata: { name: 'network-use1-x7k2p' },
      spec: {
        parameters: { region: 'us-east-1', cidrBlock: '10.0.0.0/16' },
        claimRef: { apiVersion: XRD_API_VERSION, kind: 'Network', namespace: 'payments-dr', name: 'network-use1' },
        resourceRefs: [{ apiVersion: 'ec2.aws.upbound.io/v1beta1', kind: 'VPC', name: 'vpc-use1-dev' }],
        compositionUpdatePolicy: 'Manual',
      },
    };
    expect(validator.validateObject(composite)).toEqual([]);
    composite.spec.claimRef = { ...composite.spec.claimRef, namespace: undefined as unknown as string };
    expect(messagesAt(validator.validateObject(composite), 'spec.claimRef.namespace')).toEqual(['required field is missing']);
  });

  it('rejects a version the XRD does not serve', () => {
    const xrd = networkXrd();
    xrd.spec.versions.unshift({ ...structuredClone(xrd.spec.versions[0]), name: 'v1alpha0', served: false, referenceable: false });
    const local = Validator.load();
    local.addXrds([xrd]);
    const claim = { ...networkClaim(), apiVersion: 'example.org/v1alpha0' };
    expect(messagesAt(local.validateObject(claim), '')).toEqual(['version v1alpha0 of Network is not served (XRD xnetworks.example.org)']);
  });

  it('ignores formats the API server does not know, as it does', () => {
    const xrd = networkXrd();
    xrd.spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.parameters.properties.cidrBlock.format = 'cidr-ish';
    const local = Validator.load();
    local.addXrds([xrd]);
    expect(local.validateObject(networkClaim())).toEqual([]);
  });
});
