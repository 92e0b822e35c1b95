import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fisRestClient } from '../../../cli/dr/fis';

/**
 * The FIS REST client against a local HTTP server standing in for fis.<region>.amazonaws.com: the
 * paths, methods and bodies of the three calls (as @aws-sdk/client-fis serializes them), SigV4
 * signing for service "fis", epoch-second timestamps, pagination and AWS error names.
 */
interface Seen {
  method: string;
  url: string;
  authorization: string;
  body: string;
}

async function withFis(
  answer: (seen: Seen) => { status: number; body: unknown; errorType?: string },
  run: (client: ReturnType<typeof fisRestClient>, seen: Seen[]) => Promise<void>,
) {
  const seen: Seen[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      const call = {
        method: request.method ?? '',
        url: request.url ?? '',
        authorization: String(request.headers.authorization ?? ''),
        body,
      };
      seen.push(call);
      const { status, body: reply, errorType } = answer(call);
      response.writeHead(status, {
        'content-type': 'application/json',
        ...(errorType ? { 'x-amzn-errortype': `${errorType}:http://internal.amazon.com/` } : {}),
      });
      response.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const endpoint = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  try {
    await run(fisRestClient('us-east-1', { endpoint, credentials: { accessKeyId: 'AKIDLOCAL', secretAccessKey: 'local' } }), seen);
  } finally {
    await new Promise((resolve) => server.close(resolve));
  }
}

test('ListExperimentTemplates follows nextToken; every request is SigV4-signed for fis in the region', async () => {
  await withFis(
    ({ url }) =>
      url.includes('nextToken=page2')
        ? { status: 200, body: { experimentTemplates: [{ id: 'EXT2', tags: { a: 'b' } }] } }
        : { status: 200, body: { experimentTemplates: [{ id: 'EXT1', description: 'one' }], nextToken: 'page2' } },
    async (fis, seen) => {
      expect(await fis.listExperimentTemplates()).toEqual([
        { id: 'EXT1', description: 'one', tags: {} },
        { id: 'EXT2', description: undefined, tags: { a: 'b' } },
      ]);
      expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual([
        'GET /experimentTemplates?maxResults=100',
        'GET /experimentTemplates?maxResults=100&nextToken=page2',
      ]);
      for (const request of seen)
        expect(request.authorization).toMatch(
          /^AWS4-HMAC-SHA256 Credential=AKIDLOCAL\/\d{8}\/us-east-1\/fis\/aws4_request, SignedHeaders=.*host.*, Signature=[0-9a-f]{64}$/,
        );
    },
  );
});

test('StartExperiment posts the template id, tags and a client token; GetExperiment reads state and epoch-second times', async () => {
  const experiment = { id: 'EXP1', state: { status: 'stopped', reason: 'stop condition' }, startTime: 1772445600, endTime: 1772446200.5 };
  await withFis(
    () => ({ status: 200, body: { experiment } }),
    async (fis, seen) => {
      const started = await fis.startExperiment('EXT1', { who: 'me' });
      const body = JSON.parse(seen[0].body);
      expect(`${seen[0].method} ${seen[0].url}`).toBe('POST /experiments');
      expect(body).toEqual({ clientToken: expect.stringMatching(/^[0-9a-f-]{36}$/), experimentTemplateId: 'EXT1', tags: { who: 'me' } });
      expect(started).toEqual({
        id: 'EXP1',
        state: 'stopped',
        reason: 'stop condition',
        startTime: new Date('2026-03-02T10:00:00Z'),
        endTime: new Date('2026-03-02T10:10:00.500Z'),
      });
      await fis.getExperiment('EXP1');
      expect(`${seen[1].method} ${seen[1].url}`).toBe('GET /experiments/EXP1');
    },
  );
});

test('an AWS error keeps its name (x-amzn-errortype), so explainAwsError can put it in plain words', async () => {
  await withFis(
    () => ({ status: 403, body: { message: 'User is not authorized to perform fis:StartExperiment' }, errorType: 'AccessDeniedException' }),
    async (fis) => {
      await expect(fis.startExperiment('EXT1', {})).rejects.toMatchObject({
        name: 'AccessDeniedException',
        message: expect.stringContaining('not authorized'),
      });
    },
  );
});
