/** What the command was doing when AWS answered with an error: the IAM action, the resource, the region. */
export interface AwsCall {
  action: string;
  resource: string;
  region: string;
}

/** An error already put in plain words, with the next step. */
export class DrError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrError';
  }
}

const ACCESS_DENIED = [
  'AccessDenied',
  'AccessDeniedException',
  'AccessDeniedFault',
  'UnauthorizedOperation',
  'AuthorizationError',
  'AuthorizationErrorException',
  'NotAuthorized',
];
const THROTTLED = [
  'Throttling',
  'ThrottlingException',
  'TooManyRequestsException',
  'RequestLimitExceeded',
  'ProvisionedThroughputExceededException',
  'RequestThrottledException',
  'SlowDown',
];
const NO_CREDENTIALS = [
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'SignatureDoesNotMatch',
  'TokenRefreshRequired',
];
const UNREACHABLE = [
  'TimeoutError',
  'ETIMEDOUT',
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'NetworkingError',
  'RequestTimeout',
  'RequestTimeoutException',
];

/** An AWS SDK error in plain words, naming what failed, where, and what to do next. */
export function explainAwsError(error: unknown, call: AwsCall): string {
  const { name = 'Error', message = String(error), code } = (error ?? {}) as { name?: string; message?: string; code?: string };
  const is = (names: string[]) => names.includes(name) || (code !== undefined && names.includes(code));
  const where = `${call.action} on ${call.resource} in ${call.region}`;

  if (name === 'InvalidGlobalClusterStateFault') {
    return `the global cluster is busy (another switchover/failover?); run status and retry when it is available (${where}: ${message})`;
  }
  if (name === 'InvalidDBClusterStateFault') {
    return (
      `a member cluster is not in a state that allows this (${message}); ` +
      'run status, wait until both clusters are available, then retry'
    );
  }
  if (name === 'GlobalClusterNotFoundFault') {
    return (
      `global cluster ${call.resource} was not found in ${call.region}: check ` +
      '--env, and that the environment is deployed (kubectl get paymentglobals -A)'
    );
  }
  if (name === 'DBClusterNotFoundFault') {
    return (
      `cluster ${call.resource} was not found in ${call.region}: check --env, ` +
      'and that the region is deployed (kubectl get paymentregions -A)'
    );
  }
  if (name === 'ResourceNotFoundException') {
    return (
      `${call.resource} was not found in ${call.region}: the DR state global table must ` +
      'exist with a replica there (PaymentGlobal composition, status.tables.drState)'
    );
  }
  if (is(ACCESS_DENIED)) {
    return (
      `access denied: your credentials may not call ${call.action} on ${call.resource} ` +
      `in ${call.region}; use a role that allows it (functions/README.md, "The dr CLI")`
    );
  }
  if (is(THROTTLED)) {
    return `AWS is throttling ${call.action} in ${call.region}; wait a minute and retry`;
  }
  if (is(NO_CREDENTIALS)) {
    return `no valid AWS credentials (${name}): sign in again (e.g. aws sso login, or set AWS_PROFILE) and retry`;
  }
  if (is(UNREACHABLE)) {
    return (
      `could not reach AWS in ${call.region} for ${call.action} (${code ?? name}): check your network and retry; if ` +
      `${call.region} itself is down, nothing that needs it can work (failover --allow-data-loss needs only the target region)`
    );
  }
  return `${where} failed: ${name}: ${message}`;
}

/** Runs one AWS call, turning its error into a DrError in plain words. */
export async function awsCall<T>(call: AwsCall, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    if (error instanceof DrError) throw error;
    throw new DrError(explainAwsError(error, call));
  }
}
