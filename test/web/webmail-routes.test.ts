// The webmail API through fastify's inject, on a real server's services, behind a fake `authorise`
// (the lead's sign-in and CSRF check): 404 for a mailbox the person may not use, JSON shapes, the
// sandboxed HTML body and its CSP, downloads byte-identical to the stored parts, multipart sends with
// attachments, drafts, flags/move/delete/undo, recipient classes, completion, and clear 4xx answers.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyRequest, type LightMyRequestResponse } from 'fastify';
import { pino } from 'pino';
import { ApiError } from '../../src/web/shared/api-errors.ts';
import { webmailRoutes } from '../../src/web/webmail/webmail-routes.ts';
import type {
  DeletedJson,
  DirectoryMatchesJson,
  DraftJson,
  DraftSavedJson,
  ErrorJson,
  FoldersJson,
  MailboxJson,
  MessageJson,
  MessagePageJson,
  MovedJson,
  RecipientChecksJson,
  SentJson,
  ViewerMessagesJson,
} from '../../src/web/webmail/wire.ts';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { multipart } from '../helpers/multipart.ts';
import { assertInert, hostileMessage, PIXEL_PNG } from '../helpers/webmail.ts';

const MAX_MESSAGE_BYTES = 300_000;
const CSRF = { 'x-test-csrf': '1' };

let server: TestServer;
let app: ReturnType<typeof createApp>;
let alice: number;
let bob: number;
let inbox: number;
let hostileUid: number;

function createApp() {
  return Fastify({ loggerInstance: pino({ level: 'silent' }) });
}

function json<T>(response: LightMyRequestResponse): T {
  return JSON.parse(response.body) as T;
}

before(async () => {
  server = await startTestServer({ limits: { maxMessageBytes: MAX_MESSAGE_BYTES } });
  alice = (await server.addMailbox('alice@huisarts-eik.nl', 'Dr. Alice Eik')).mailboxId;
  bob = (await server.addMailbox('bob@huisarts-eik.nl', 'Bob Eik')).mailboxId;
  const { services } = server.server;
  // Who may use which mailbox, as the portal's links would say; the header stands in for the session.
  const links: Record<string, number[]> = { 'alice@passage.test': [alice], 'bob@passage.test': [bob] };
  const authorise = async (request: FastifyRequest, mailboxId: number) => {
    const person = String(request.headers['x-test-person'] ?? '');
    if (!links[person]?.includes(mailboxId)) throw new ApiError<ErrorJson>(404, { error: 'not-found', message: 'No such mailbox' });
    if (request.method !== 'GET' && request.headers['x-test-csrf'] !== '1') throw new ApiError<ErrorJson>(403, { error: 'csrf', message: 'CSRF' });
    const mailbox = await services.store.accounts.findMailbox({ id: mailboxId });
    return { mailbox: mailbox!, actor: person, remoteAddress: '198.51.100.7' };
  };
  app = createApp();
  await app.register(webmailRoutes, { prefix: '/api/webmail', service: services.webmail, authorise });
  await app.ready();
  inbox = (await services.mail.getFolder(alice, 'INBOX'))!.id;
  ({ uid: hostileUid } = await services.mail.append(inbox, hostileMessage('evil@evil.example', 'alice@huisarts-eik.nl')));
});
after(async () => {
  await app?.close();
  await server?.close();
});

const as = (person: string) => ({ 'x-test-person': person });
const ALICE = as('alice@passage.test');
const BOB = as('bob@passage.test');
const api = (mailbox: number, path: string) => `/api/webmail/mailboxes/${mailbox}${path}`;

describe('authorisation', () => {
  it("answers 404 for a mailbox the person may not use, and never reaches the service", async () => {
    for (const [headers, url] of [
      [BOB, api(alice, '/folders')],
      [{}, api(alice, '/')],
      [ALICE, api(alice + 1000, '/folders')],
      [ALICE, '/api/webmail/mailboxes/abc/folders'],
    ] as const) {
      const response = await app.inject({ method: 'GET', url, headers });
      assert.equal(response.statusCode, 404, url);
      assert.equal(json<ErrorJson>(response).error, 'not-found');
      assert.equal(response.headers['cache-control'], 'no-store');
    }
    const refused = await app.inject({ method: 'POST', url: api(alice, '/folders/1/delete'), headers: { ...BOB, ...CSRF }, payload: { uids: [1] } });
    assert.equal(refused.statusCode, 404);
    const noCsrf = await app.inject({ method: 'POST', url: api(alice, `/folders/${inbox}/flags`), headers: ALICE, payload: { uids: [hostileUid], add: ['flagged'] } });
    assert.equal(noCsrf.statusCode, 403);
    const unknown = await app.inject({ method: 'GET', url: '/api/webmail/nothing', headers: ALICE });
    assert.equal(unknown.statusCode, 404);
  });

  it("a folder of another mailbox is not found through one's own mailbox", async () => {
    const bobInbox = (await server.server.services.mail.getFolder(bob, 'INBOX'))!.id;
    const response = await app.inject({ method: 'GET', url: api(alice, `/folders/${bobInbox}/messages`), headers: ALICE });
    assert.equal(response.statusCode, 404);
  });
});

describe('reading', () => {
  it('describes the mailbox and lists its folders', async () => {
    const mailbox = json<MailboxJson>(await app.inject({ method: 'GET', url: api(alice, '/'), headers: ALICE }));
    assert.deepEqual(mailbox, { id: alice, address: 'alice@huisarts-eik.nl', displayName: 'Dr. Alice Eik', klantnummer: mailbox.klantnummer, maxMessageBytes: MAX_MESSAGE_BYTES });
    const { folders } = json<FoldersJson>(await app.inject({ method: 'GET', url: api(alice, '/folders'), headers: ALICE }));
    assert.deepEqual(folders.map((f) => f.name), ['INBOX', 'Sent', 'Drafts', 'Trash', 'Junk', 'Archive']);
    assert.equal(folders[0]!.total, 1);
    assert.equal(folders[0]!.unread, 1);
  });

  it('pages the list with ISO dates and the threading ids', async () => {
    const response = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages?limit=10`), headers: ALICE });
    assert.equal(response.statusCode, 200);
    const page = json<MessagePageJson>(response);
    assert.equal(page.total, 1);
    assert.equal(page.nextAfter, null);
    assert.deepEqual(page.rows[0], {
      uid: hostileUid,
      flags: [],
      size: page.rows[0]!.size,
      date: '2024-01-02T09:00:00.000Z',
      receivedAt: page.rows[0]!.receivedAt,
      from: { name: 'Evil', address: 'evil@evil.example' },
      to: [{ name: '', address: 'alice@huisarts-eik.nl' }],
      subject: 'Uitslag onderzoek ✓',
      hasAttachments: true,
      messageId: '<hostile-1@evil.example>',
      inReplyTo: null,
    });
    const bad = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages?limit=1000`), headers: ALICE });
    assert.equal(bad.statusCode, 400);
    assert.match(json<ErrorJson>(bad).message, /limit/);
    const search = json<MessagePageJson>(await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/search?q=uitslag&in=subject`), headers: ALICE }));
    assert.deepEqual(search.rows.map((r) => r.uid), [hostileUid]);
  });

  it('opens a message (\\Seen unless peek) and serves its HTML sanitised under the sandboxing CSP', async () => {
    const peek = json<MessageJson>(await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}?peek=1`), headers: ALICE }));
    assert.deepEqual(peek.flags, []);
    const message = json<MessageJson>(await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}`), headers: ALICE }));
    assert.deepEqual(message.flags, ['\\Seen']);
    assert.equal(message.hasHtml, true);
    assert.equal(message.remoteImages, 8);

    const html = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}/body.html`), headers: ALICE });
    assert.equal(html.statusCode, 200);
    assert.equal(html.headers['content-type'], 'text/html; charset=utf-8');
    assert.equal(
      html.headers['content-security-policy'],
      "sandbox allow-popups allow-popups-to-escape-sandbox; default-src 'none'; img-src data: 'self'; style-src 'unsafe-inline'; font-src data:; frame-ancestors 'self'; base-uri 'none'; form-action 'none'",
    );
    const body = html.body.slice(html.body.indexOf('<body>') + 6, html.body.lastIndexOf('</body>'));
    assertInert(body);
    assert.ok(body.includes(PIXEL_PNG.toString('base64')));

    const images = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}/body.html?images=1`), headers: ALICE });
    assert.match(String(images.headers['content-security-policy']), /img-src data: 'self' https:;/);
    assert.match(images.body, /src="https:\/\/evil\.example\/pixel\.gif"/);
    assert.doesNotMatch(images.body, /<script|onerror=|javascript:/i);
  });

  it('downloads attachments byte-identical, with a safe Content-Disposition, and the raw message', async () => {
    const pdf = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}/parts/2`), headers: ALICE });
    assert.equal(pdf.statusCode, 200);
    assert.equal(pdf.headers['content-type'], 'application/pdf');
    assert.equal(pdf.headers['content-disposition'], `attachment; filename="uitslag.pdf"; filename*=UTF-8''uitslag.pdf`);
    assert.equal(pdf.headers['x-content-type-options'], 'nosniff');
    assert.equal(pdf.body, '%PDF-1.4\n% test document\n%%EOF\n');
    const png = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}/parts/1.2`), headers: ALICE });
    assert.deepEqual(png.rawPayload, PIXEL_PNG);
    const raw = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}/raw`), headers: ALICE });
    assert.equal(raw.headers['content-type'], 'message/rfc822');
    assert.deepEqual(raw.rawPayload, hostileMessage('evil@evil.example', 'alice@huisarts-eik.nl'));
    for (const part of ['7', '0', '1..2', 'x']) {
      const missing = await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}/parts/${part}`), headers: ALICE });
      assert.ok([400, 404].includes(missing.statusCode), part);
    }
  });
});

describe('writing', () => {
  it('sends a multipart form with an attachment: it reaches Bob, a copy is in Sent', async () => {
    const form = multipart([
      { name: 'message', value: JSON.stringify({ to: [{ name: 'Bob', address: 'bob@huisarts-eik.nl' }], subject: 'Labformulier', text: 'Zie bijlage.' }) },
      { name: 'attachments', filename: 'formulier.pdf', type: 'application/pdf', content: Buffer.from('%PDF-1.4 formulier') },
    ]);
    const response = await app.inject({ method: 'POST', url: api(alice, '/send'), headers: { ...ALICE, ...CSRF, ...form.headers }, payload: form.payload });
    assert.equal(response.statusCode, 200, response.body);
    const sent = json<SentJson>(response);
    assert.deepEqual(sent.routes, [{ recipient: 'bob@huisarts-eik.nl', route: 'inside', reason: 'hosted on this platform' }]);
    assert.ok(sent.sent);

    const bobInbox = (await server.server.services.mail.getFolder(bob, 'INBOX'))!.id;
    const page = json<MessagePageJson>(await app.inject({ method: 'GET', url: api(bob, `/folders/${bobInbox}/messages`), headers: BOB }));
    const received = page.rows[0]!;
    assert.equal(received.messageId, sent.messageId);
    const message = json<MessageJson>(await app.inject({ method: 'GET', url: api(bob, `/folders/${bobInbox}/messages/${received.uid}`), headers: BOB }));
    const file = message.attachments[0]!;
    assert.equal(file.filename, 'formulier.pdf');
    const download = await app.inject({ method: 'GET', url: api(bob, `/folders/${bobInbox}/messages/${received.uid}/parts/${file.part}`), headers: BOB });
    assert.equal(download.body, '%PDF-1.4 formulier');

    // Bob answers as JSON; Alice's message gets \Answered in Bob's INBOX.
    const reply = await app.inject({
      method: 'POST',
      url: api(bob, '/send'),
      headers: { ...BOB, ...CSRF },
      payload: {
        to: [{ address: 'alice@huisarts-eik.nl' }],
        subject: 'Re: Labformulier',
        text: 'Ontvangen.',
        inReplyTo: received.messageId,
        references: [received.messageId],
        origin: { folderId: bobInbox, uid: received.uid, kind: 'reply' },
      },
    });
    assert.equal(reply.statusCode, 200, reply.body);
    const answered = json<MessageJson>(await app.inject({ method: 'GET', url: api(bob, `/folders/${bobInbox}/messages/${received.uid}?peek=1`), headers: BOB }));
    assert.ok(answered.flags.includes('\\Answered'));
    const aliceList = json<MessagePageJson>(await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages?limit=1`), headers: ALICE }));
    assert.equal(aliceList.rows[0]!.inReplyTo, received.messageId);
  });

  it('refuses uploads over the message size limit with 413 and the reason, and bad forms with 400', async () => {
    const big = multipart([
      { name: 'message', value: JSON.stringify({ to: [{ address: 'bob@huisarts-eik.nl' }], subject: 'Groot' }) },
      { name: 'attachments', filename: 'groot.bin', type: 'application/octet-stream', content: Buffer.alloc(MAX_MESSAGE_BYTES + 1) },
    ]);
    const tooLarge = await app.inject({ method: 'POST', url: api(alice, '/send'), headers: { ...ALICE, ...CSRF, ...big.headers }, payload: big.payload });
    assert.equal(tooLarge.statusCode, 413);
    assert.equal(json<ErrorJson>(tooLarge).reason, 'file-too-large');
    // Within the upload limit, but base64 makes the message larger than allowed.
    const encoded = multipart([
      { name: 'message', value: JSON.stringify({ to: [{ address: 'bob@huisarts-eik.nl' }], subject: 'Groot' }) },
      { name: 'attachments', filename: 'bijna.bin', type: 'application/octet-stream', content: Buffer.alloc(MAX_MESSAGE_BYTES - 1000) },
    ]);
    const afterEncoding = await app.inject({ method: 'POST', url: api(alice, '/send'), headers: { ...ALICE, ...CSRF, ...encoded.headers }, payload: encoded.payload });
    assert.equal(afterEncoding.statusCode, 413);
    assert.match(json<ErrorJson>(afterEncoding).message, /limit/);

    const noRecipient = await app.inject({ method: 'POST', url: api(alice, '/send'), headers: { ...ALICE, ...CSRF }, payload: { to: [{ address: 'geen-adres' }], subject: 'x' } });
    assert.equal(noRecipient.statusCode, 400);
    assert.match(json<ErrorJson>(noRecipient).message, /to\.0\.address/);
    const unknownField = await app.inject({ method: 'POST', url: api(alice, '/send'), headers: { ...ALICE, ...CSRF }, payload: { to: [], subject: 'x', from: 'ceo@elders.example' } });
    assert.equal(unknownField.statusCode, 400);
    const noMessageField = multipart([{ name: 'attachments', filename: 'a.txt', type: 'text/plain', content: Buffer.from('a') }]);
    const missing = await app.inject({ method: 'POST', url: api(alice, '/send'), headers: { ...ALICE, ...CSRF, ...noMessageField.headers }, payload: noMessageField.payload });
    assert.equal(missing.statusCode, 400);
    const external = await app.inject({ method: 'POST', url: api(alice, '/send'), headers: { ...ALICE, ...CSRF }, payload: { to: [{ address: 'patient@gmail.example' }], subject: 'x', text: 'x' } });
    assert.equal(external.statusCode, 403);
    assert.match(json<ErrorJson>(external).message, /secure sending/);
  });

  it('saves, replaces and opens drafts', async () => {
    const first = json<DraftSavedJson>(
      await app.inject({ method: 'POST', url: api(alice, '/drafts'), headers: { ...ALICE, ...CSRF }, payload: { to: [{ address: 'bob@huisarts-eik.nl' }], subject: 'Concept', text: 'v1' } }),
    );
    const second = json<DraftSavedJson>(
      await app.inject({ method: 'POST', url: api(alice, '/drafts'), headers: { ...ALICE, ...CSRF }, payload: { to: [{ address: 'bob@huisarts-eik.nl' }], subject: 'Concept', text: 'v2', draftUid: first.uid } }),
    );
    const draft = json<DraftJson>(await app.inject({ method: 'GET', url: api(alice, `/drafts/${second.uid}`), headers: ALICE }));
    assert.equal(draft.text, 'v2');
    assert.equal(draft.folderId, second.folderId);
    const gone = await app.inject({ method: 'GET', url: api(alice, `/drafts/${first.uid}`), headers: ALICE });
    assert.equal(gone.statusCode, 404);
  });

  it('flags, moves, deletes to Trash and undoes', async () => {
    const flags = await app.inject({ method: 'POST', url: api(alice, `/folders/${inbox}/flags`), headers: { ...ALICE, ...CSRF }, payload: { uids: [hostileUid], add: ['flagged'], remove: ['seen'] } });
    assert.equal(flags.statusCode, 200, flags.body);
    const { folders } = json<FoldersJson>(await app.inject({ method: 'GET', url: api(alice, '/folders'), headers: ALICE }));
    const archive = folders.find((f) => f.name === 'Archive')!;
    const trash = folders.find((f) => f.specialUse === '\\Trash')!;
    const moved = json<MovedJson>(await app.inject({ method: 'POST', url: api(alice, `/folders/${inbox}/move`), headers: { ...ALICE, ...CSRF }, payload: { uids: [hostileUid], to: archive.id } }));
    const archivedUid = moved.moved[0]![1];
    const deleted = json<DeletedJson>(await app.inject({ method: 'POST', url: api(alice, `/folders/${archive.id}/delete`), headers: { ...ALICE, ...CSRF }, payload: { uids: [archivedUid] } }));
    assert.equal(deleted.permanent, false);
    assert.ok(!deleted.permanent && deleted.folderId === trash.id);
    const undo = json<MovedJson>(
      await app.inject({ method: 'POST', url: api(alice, `/folders/${trash.id}/move`), headers: { ...ALICE, ...CSRF }, payload: { uids: deleted.moved.map(([, uid]) => uid), to: inbox } }),
    );
    hostileUid = undo.moved[0]![1];
    const back = json<MessageJson>(await app.inject({ method: 'GET', url: api(alice, `/folders/${inbox}/messages/${hostileUid}?peek=1`), headers: ALICE }));
    assert.deepEqual(back.flags, ['\\Flagged']);
    const badMove = await app.inject({ method: 'POST', url: api(alice, `/folders/${inbox}/move`), headers: { ...ALICE, ...CSRF }, payload: { uids: [], to: archive.id } });
    assert.equal(badMove.statusCode, 400);
  });
});

describe('recipients, completion and the Viewer', () => {
  it('classes recipients for the compose screen', async () => {
    const response = await app.inject({
      method: 'POST',
      url: api(alice, '/recipients'),
      headers: { ...ALICE, ...CSRF },
      payload: { addresses: ['bob@huisarts-eik.nl', 'patient@gmail.example'], secure: true, mobiles: { 'patient@gmail.example': '0612345678' } },
    });
    assert.equal(response.statusCode, 200, response.body);
    const checks = json<RecipientChecksJson>(response);
    assert.equal(checks.mobile, 'asked');
    assert.deepEqual(checks.recipients.map((r) => [r.address, r.class, r.channel]), [['bob@huisarts-eik.nl', 'community', null], ['patient@gmail.example', 'viewer', 'sms']]);
  });

  it('completes addresses and lists Viewer messages', async () => {
    const completion = json<DirectoryMatchesJson>(await app.inject({ method: 'GET', url: api(alice, '/directory?q=bob'), headers: ALICE }));
    assert.deepEqual(completion.matches.map((m) => m.address), ['bob@huisarts-eik.nl']);
    const sent = await app.inject({
      method: 'POST',
      url: api(alice, '/send'),
      headers: { ...ALICE, ...CSRF },
      payload: { to: [{ address: 'patient@gmail.example' }], subject: 'Uitslag', text: 'Vertrouwelijk', secure: { requested: true } },
    });
    assert.equal(sent.statusCode, 200, sent.body);
    const { messages } = json<ViewerMessagesJson>(await app.inject({ method: 'GET', url: api(alice, '/viewer'), headers: ALICE }));
    const status = messages.find((m) => m.messageId === json<SentJson>(sent).messageId)!;
    assert.equal(status.channel, 'email');
    assert.equal(status.state, 'active');
    const revoke = await app.inject({ method: 'POST', url: api(alice, `/viewer/${status.id}/revoke`), headers: { ...ALICE, ...CSRF } });
    assert.equal(revoke.statusCode, 200);
    assert.equal(json<{ state: string }>(revoke).state, 'revoked');
    const other = await app.inject({ method: 'GET', url: api(bob, `/viewer/${status.id}`), headers: BOB });
    assert.equal(other.statusCode, 404);
  });
});
