// The CM.com SMS gateway against a local stand-in for https://gw.messaging.cm.com/v1.0/message that
// checks the documented request (developers.cm.com/messaging/docs/integration, shared-features) and
// answers as the documentation shows (responses-errors-json): accepted, refused, failing, hanging.
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { TemporaryError, UserError } from '../../src/errors.ts';
import { CmSmsGateway } from '../../src/secure/sms/cm-gateway.ts';

const TOKEN = '3f9c1a2b-0d4e-4f5a-9b8c-7d6e5f4a3b2c';
const MESSAGE = { to: '+31612345678', text: 'Uw toegangscode is 482913', reference: 'vc7f3a9e21' };

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
  body: string;
}

let server: Server;
let endpoint: string;
let seen: Seen[] = [];
let answer: (res: ServerResponse) => void = () => {};

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' });
  res.end(JSON.stringify(body));
}

const accepted = (res: ServerResponse) =>
  json(res, 200, {
    details: 'Created 1 message(s)',
    errorCode: 0,
    messages: [{ to: '0031612345678', status: 'Accepted', reference: MESSAGE.reference, parts: 1, messageDetails: null, messageErrorCode: 0 }],
  });

function capturingLogger() {
  const lines: string[] = [];
  const record = (object: unknown, message?: string) => void lines.push(JSON.stringify([object, message]));
  return { lines, logger: { info: record, warn: record } as never };
}

before(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      answer(res);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1.0/message`;
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

beforeEach(() => {
  seen = [];
  answer = accepted;
});

describe('CM.com gateway', () => {
  it('sends the documented JSON request with the product token header', async () => {
    const { lines, logger } = capturingLogger();
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost', logger });
    assert.equal(gateway.name, 'cm');
    assert.deepEqual(await gateway.send(MESSAGE), { providerMessageId: null });

    assert.equal(seen.length, 1);
    const [request] = seen;
    assert.equal(request!.method, 'POST');
    assert.equal(request!.url, '/v1.0/message');
    assert.equal(request!.headers['x-cm-producttoken'], TOKEN);
    assert.match(request!.headers['content-type'] ?? '', /^application\/json\b/);
    assert.equal(request!.headers.accept, 'application/json');
    assert.deepEqual(JSON.parse(request!.body), {
      messages: {
        msg: [
          {
            from: 'Zorgpost',
            to: [{ number: '0031612345678' }],
            body: { type: 'auto', content: MESSAGE.text },
            reference: MESSAGE.reference,
            allowedChannels: ['SMS'],
            minimumNumberOfMessageParts: 1,
            maximumNumberOfMessageParts: 8,
          },
        ],
      },
    });
    // The token stays in the header, never in the body.
    assert.ok(!request!.body.includes(TOKEN));
    // The log names the masked number and reference; never the text (the code) or the token.
    assert.ok(lines.length > 0);
    for (const line of lines) {
      assert.ok(!line.includes(TOKEN) && !line.includes('482913') && !line.includes('612345678'), line);
    }
    assert.ok(lines.some((line) => line.includes('06-****5678') && line.includes(MESSAGE.reference)));
  });

  it('turns a refused request (400 with a CM error body) into a UserError with the reason', async () => {
    answer = (res) => json(res, 400, { details: 'No account found for the given authentication', errorCode: 101, messages: [] });
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost' });
    await assert.rejects(gateway.send(MESSAGE), (error: unknown) => {
      assert.ok(error instanceof UserError);
      assert.equal(error.code, 'CANNOT');
      assert.match(error.message, /No account found for the given authentication/);
      assert.ok(!error.message.includes(TOKEN));
      return true;
    });
  });

  it('turns a rejected message into UserError BADINPUT with the message details', async () => {
    answer = (res) =>
      json(res, 400, {
        details: 'Created 0 message(s)',
        errorCode: 201,
        messages: [
          { to: '0031612345678', status: 'Rejected', reference: MESSAGE.reference, parts: 0, messageDetails: "Gsm '0031612345678' is not a number.", messageErrorCode: 303 },
        ],
      });
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost' });
    await assert.rejects(
      gateway.send(MESSAGE),
      (error: unknown) => error instanceof UserError && error.code === 'BADINPUT' && /is not a number/.test(error.message),
    );
  });

  it('treats a 200 whose message was rejected as refused', async () => {
    answer = (res) =>
      json(res, 200, {
        details: 'Created 0 message(s)',
        errorCode: 201,
        messages: [{ to: '0031612345678', status: 'Rejected', reference: MESSAGE.reference, parts: 0, messageDetails: 'A body without content was found', messageErrorCode: 304 }],
      });
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost' });
    await assert.rejects(gateway.send(MESSAGE), (error: unknown) => error instanceof UserError && /A body without content/.test(error.message));
  });

  it('turns a 500 into a TemporaryError', async () => {
    answer = (res) => json(res, 500, { details: 'Internal server error', errorCode: 500, messages: [] });
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost' });
    await assert.rejects(gateway.send(MESSAGE), (error: unknown) => error instanceof TemporaryError && /unavailable/.test(error.message));
  });

  it('turns a 503 with an HTML body and a 429 into TemporaryErrors', async () => {
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost' });
    answer = (res) => {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end('<html>down</html>');
    };
    await assert.rejects(gateway.send(MESSAGE), TemporaryError);
    answer = (res) => json(res, 429, { details: 'Too many requests' });
    await assert.rejects(gateway.send(MESSAGE), TemporaryError);
  });

  it('gives up on a provider that does not answer, within the timeout', async () => {
    answer = () => {}; // never answers
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost', timeoutMs: 300 });
    const started = Date.now();
    await assert.rejects(gateway.send(MESSAGE), (error: unknown) => error instanceof TemporaryError && /no answer within 0.3 s/.test(error.message));
    const elapsed = Date.now() - started;
    assert.ok(elapsed >= 250 && elapsed < 3000, `took ${elapsed} ms`);
  });

  it('turns an unreachable provider into a TemporaryError', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const gateway = new CmSmsGateway({ endpoint: `http://127.0.0.1:${port}/v1.0/message`, productToken: TOKEN, sender: 'Zorgpost' });
    await assert.rejects(gateway.send(MESSAGE), (error: unknown) => error instanceof TemporaryError && /ECONNREFUSED/.test(error.message));
  });

  it('treats an unreadable 200 as temporary: whether it went out is unknown', async () => {
    answer = (res) => {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('OK');
    };
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost' });
    await assert.rejects(gateway.send(MESSAGE), TemporaryError);
  });

  it('checks the message before calling the provider', async () => {
    const gateway = new CmSmsGateway({ endpoint, productToken: TOKEN, sender: 'Zorgpost' });
    await assert.rejects(gateway.send({ ...MESSAGE, to: '0612345678' }), UserError);
    await assert.rejects(gateway.send({ ...MESSAGE, reference: 'with-dash' }), UserError);
    assert.equal(seen.length, 0);
  });

  it('validates sender, token and endpoint at construction', () => {
    for (const sender of ['Zorgpost', 'CM Telecom', 'Huisarts123', 'A', '3197010203040']) {
      assert.doesNotThrow(() => new CmSmsGateway({ endpoint, productToken: TOKEN, sender }), sender);
    }
    for (const sender of ['', 'Zorgpost Huisartsen', 'Zorg-post', 'Zörgpost', '12345678901234567', ' ']) {
      assert.throws(() => new CmSmsGateway({ endpoint, productToken: TOKEN, sender }), /sender/, sender);
    }
    assert.throws(() => new CmSmsGateway({ endpoint, productToken: '  ', sender: 'Zorgpost' }), /product token/);
    assert.throws(() => new CmSmsGateway({ endpoint: 'http://gw.messaging.cm.com/v1.0/message', productToken: TOKEN, sender: 'Zorgpost' }), /https/);
    assert.doesNotThrow(() => new CmSmsGateway({ productToken: TOKEN, sender: 'Zorgpost' }));
  });
});
