import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Sender signature scheme: header `Payments-Signature: t=<unix seconds>,v1=<hex>[,v1=<hex>...]`,
 * each v1 an HMAC-SHA256 of `"<t>.<raw body>"` under one of the active signing secrets (a sender
 * rotating its secret signs with both, and we accept any active secret while rotating ours).
 */
export const SIGNATURE_HEADER = 'payments-signature';

export type SignatureCheck =
  | { ok: true; timestamp: number }
  | { ok: false; code: 'missing_signature' | 'invalid_signature' | 'signature_expired'; message: string };

export interface SignatureInput {
  header: string | undefined;
  rawBody: Buffer;
  secrets: readonly string[];
  nowSeconds: number;
  toleranceSeconds: number;
}

export function verifySignature({ header, rawBody, secrets, nowSeconds, toleranceSeconds }: SignatureInput): SignatureCheck {
  if (!header) return { ok: false, code: 'missing_signature', message: `the ${SIGNATURE_HEADER} header is required` };
  const parsed = parseSignatureHeader(header);
  if (!parsed) return { ok: false, code: 'invalid_signature', message: `malformed ${SIGNATURE_HEADER} header` };

  const expected = secrets.map((secret) => hmac(secret, parsed.timestamp, rawBody));
  const matches = parsed.signatures.some((given) => expected.some((digest) => timingSafeEqual(given, digest)));
  if (!matches) return { ok: false, code: 'invalid_signature', message: 'no signature matches an active signing secret' };

  if (Math.abs(nowSeconds - parsed.timestamp) > toleranceSeconds) {
    return { ok: false, code: 'signature_expired', message: `signature timestamp is outside the ${toleranceSeconds} s tolerance` };
  }
  return { ok: true, timestamp: parsed.timestamp };
}

/** Builds the header a sender would send (used by tests, `npm run local` and the bench). */
export function signatureHeader(rawBody: string | Buffer, secrets: readonly string[], timestamp: number): string {
  const body = typeof rawBody === 'string' ? Buffer.from(rawBody) : rawBody;
  return [`t=${timestamp}`, ...secrets.map((secret) => `v1=${hmac(secret, timestamp, body).toString('hex')}`)].join(',');
}

/** The signing secret holds a JSON list of the active secrets; the message never echoes them. */
export function parseSigningSecrets(secretString: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secretString);
  } catch {
    throw new Error('signing secret is not JSON');
  }
  if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((s) => typeof s === 'string' && s.length >= 16)) {
    throw new Error('signing secret must be a JSON list of active secrets, each at least 16 characters');
  }
  return parsed;
}

function hmac(secret: string, timestamp: number, rawBody: Buffer): Buffer {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest();
}

function parseSignatureHeader(header: string): { timestamp: number; signatures: Buffer[] } | undefined {
  let timestamp: number | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(',')) {
    const [key, value = ''] = part.trim().split('=', 2);
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    if (key === 'v1' && /^[0-9a-fA-F]{64}$/.test(value)) signatures.push(Buffer.from(value, 'hex'));
  }
  return timestamp === undefined || signatures.length === 0 ? undefined : { timestamp, signatures };
}
