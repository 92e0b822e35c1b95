/**
 * moto's request recording (one JSON object per line: method, url, headers, body) read as AWS
 * calls: service and region from the SigV4 credential scope, the action from the protocol — the
 * JSON protocol's X-Amz-Target, the query protocol's Action, RPC v2's /service/S/operation/Op, and
 * for the REST protocols the method and path. A call mutates unless its action only reads
 * (Describe*, Get*, List*, Head*, …) or, for REST, its method is GET or HEAD.
 */
import * as fs from 'node:fs';

export interface AwsCall {
  readonly service: string;
  readonly region: string;
  /** e.g. CreateVpc, DescribeTable, or "PUT /2015-03-31/functions/x/concurrency" for REST. */
  readonly action: string;
  readonly mutating: boolean;
  /** The decoded URL path and query. */
  readonly url: string;
  /** The decoded URL and body, searched for the identifiers of managed resources. */
  readonly text: string;
  /** The request body as sent (JSON for the JSON and REST-JSON protocols). */
  readonly body: string;
}

interface RecordedRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string | null;
  readonly body_encoded?: boolean;
}

const READ_ACTION = /^(Describe|Get|List|Head|Lookup|Search|Check|Query|Scan|BatchGet|Test)[A-Z]?/;
/** REST reads sent as POST (their API defines them so). */
const REST_READS: ReadonlyArray<{ service: string; method: string; path: RegExp }> = [
  // Route 53 ListTagsForResources: POST /2013-04-01/tags/{ResourceType} (no resource id).
  { service: 'route53', method: 'POST', path: /^\/2013-04-01\/tags\/[a-z]+$/ },
];

function header(headers: Record<string, string>, name: string): string | undefined {
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key === undefined ? undefined : headers[key];
}

function decodeBody(request: RecordedRequest): string {
  if (!request.body) return '';
  return request.body_encoded ? Buffer.from(request.body, 'base64').toString('utf8') : request.body;
}

function safeDecode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

export function classify(request: RecordedRequest): AwsCall {
  const scope = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\//.exec(header(request.headers, 'authorization') ?? '');
  const region = scope?.[1] ?? '?';
  const service = scope?.[2] ?? '?';
  const url = new URL(request.url, 'http://moto');
  const body = decodeBody(request);
  const decodedUrl = safeDecode(url.pathname + url.search);
  const text = `${decodedUrl} ${safeDecode(body)}`;
  const target = header(request.headers, 'x-amz-target');
  const rpc = /^\/service\/[^/]+\/operation\/([^/]+)$/.exec(url.pathname);
  const queryAction =
    url.searchParams.get('Action') ?? (/^Action=([A-Za-z0-9]+)/.exec(body) || /[?&]Action=([A-Za-z0-9]+)/.exec(`&${body}`))?.[1];
  const action = target ? target.slice(target.lastIndexOf('.') + 1) : (rpc?.[1] ?? queryAction);
  if (action) return { service, region, action, mutating: !READ_ACTION.test(action), url: decodedUrl, text, body };
  const method = request.method.toUpperCase();
  const restRead = REST_READS.some((r) => r.service === service && r.method === method && r.path.test(url.pathname));
  return {
    service,
    region,
    action: `${method} ${url.pathname}${url.search}`,
    mutating: !(method === 'GET' || method === 'HEAD' || restRead),
    url: decodedUrl,
    text,
    body,
  };
}

/** The calls recorded from byte `from` of the recording on (a later read continues where one ended). */
export function readCalls(recording: string, from = 0): { calls: AwsCall[]; end: number } {
  if (!fs.existsSync(recording)) return { calls: [], end: 0 };
  const content = fs.readFileSync(recording);
  // moto writes a request and its newline separately: a line without one is still being written.
  const end = content.lastIndexOf(0x0a) + 1;
  if (end <= from) return { calls: [], end: from };
  const lines = content.subarray(from, end).toString('utf8').split('\n');
  const calls = lines.filter((line) => line.trim()).map((line) => classify(JSON.parse(line) as RecordedRequest));
  return { calls, end };
}
