// The webmail service on a real server's services (issue 5): folder counts, paging order against the
// folder's own UID list, search through the store search, reading (\Seen, the audit record, decoded
// headers), sanitised HTML of a crafted hostile message and of the corpus's HTML mail, cid: images,
// attachments byte-identical to what mailparser decodes from the corpus, sending to another mailbox
// (its INBOX, our Sent, Bcc only in the copy), replies (\Answered, In-Reply-To), drafts, move/delete/
// undo, recipient classes per install type, address completion and the Viewer status in Sent.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { simpleParser } from 'mailparser';
import { startTestServer, type TestServer } from '../helpers/harness.ts';
import { corpusUnavailable, listCorpus, readCorpusMessage } from '../helpers/corpus.ts';
import { assertInert, hostileMessage, PIXEL_PNG, webmailContext } from '../helpers/webmail.ts';
import type { WebmailContext } from '../../src/mail/webmail/types.ts';
import type { WebmailService } from '../../src/mail/webmail/webmail-service.ts';
import type { Folder } from '../../src/mail/types.ts';

let server: TestServer;
let webmail: WebmailService;
let alice: WebmailContext;
let bob: WebmailContext;

before(async () => {
  server = await startTestServer();
  await server.addMailbox('alice@praktijk-linde.nl', 'Dr. Alice Linde');
  await server.addMailbox('bob@praktijk-linde.nl', 'Bob Assistent');
  const { services } = server.server;
  webmail = services.webmail;
  alice = await webmailContext(services, 'alice@praktijk-linde.nl');
  bob = await webmailContext(services, 'bob@praktijk-linde.nl');
});
after(() => server?.close());

const mail = () => server.server.services.mail;

async function folder(context: WebmailContext, name: string): Promise<Folder> {
  const found = (await mail().getFolder(context.mailbox.id, name)) ?? (await mail().createFolder(context.mailbox.id, name));
  return found;
}

function simpleMessage(i: number, extra: string[] = []): Buffer {
  return Buffer.from(
    [
      `From: =?utf-8?q?Afzender_=C3=A9=C3=A9n?= <afzender${i % 3}@lab.example>`,
      'To: alice@praktijk-linde.nl',
      `Subject: Bericht ${String(i).padStart(3, '0')}`,
      `Date: ${new Date(Date.UTC(2024, 0, 1) + i * 60_000).toUTCString()}`,
      `Message-ID: <bericht-${i}@lab.example>`,
      ...extra,
      '',
      `Tekst van bericht ${i}${i % 10 === 0 ? ' met het woord uitslag' : ''}.`,
      '',
    ].join('\r\n'),
  );
}

describe('folders and the message list', () => {
  let paging: Folder;
  const all: number[] = [];

  before(async () => {
    paging = await folder(alice, 'Paging');
    for (let i = 1; i <= 130; i++) {
      const { uid } = await mail().append(paging.id, simpleMessage(i), { flags: i <= 100 ? ['\\Seen'] : [] });
      all.push(uid);
    }
    // Gaps in the UIDs, as after moves: the pages must not notice.
    await mail().deleteMessages(paging.id, [all[4]!, all[50]!, all[51]!, all[125]!]);
    all.splice(125, 1);
    all.splice(50, 2);
    all.splice(4, 1);
  });

  it('lists folders INBOX first with total and unread counts and special use', async () => {
    const folders = await webmail.folders(alice);
    assert.equal(folders[0]!.name, 'INBOX');
    assert.deepEqual(folders.slice(1, 6).map((f) => f.specialUse), ['\\Sent', '\\Drafts', '\\Trash', '\\Junk', '\\Archive']);
    const counted = folders.find((f) => f.name === 'Paging')!;
    assert.equal(counted.total, 126);
    assert.equal(counted.unread, 29);
  });

  it('pages newest first by offset and by cursor, and oldest first, exactly as the UID list says', async () => {
    const newest = [...all].reverse();
    for (const offset of [0, 40, 50, 60, 75, 100, 120, 125, 126, 200]) {
      const page = await webmail.list(alice, paging.id, { limit: 25, offset });
      assert.deepEqual(page.rows.map((r) => r.uid), newest.slice(offset, offset + 25), `offset ${offset}`);
      assert.equal(page.total, 126);
    }
    const seen: number[] = [];
    let afterUid: number | undefined;
    for (;;) {
      const page = await webmail.list(alice, paging.id, { limit: 40, after: afterUid });
      seen.push(...page.rows.map((r) => r.uid));
      if (page.nextAfter === null) break;
      afterUid = page.nextAfter;
    }
    assert.deepEqual(seen, newest);
    const oldest = await webmail.list(alice, paging.id, { limit: 30, offset: 10, order: 'oldest' });
    assert.deepEqual(oldest.rows.map((r) => r.uid), all.slice(10, 40));
    const next = await webmail.list(alice, paging.id, { limit: 30, after: oldest.nextAfter!, order: 'oldest' });
    assert.deepEqual(next.rows.map((r) => r.uid), all.slice(40, 70));
  });

  it('gives each row decoded sender and subject, flags, dates and the threading ids', async () => {
    const [row] = (await webmail.list(alice, paging.id, { limit: 1 })).rows;
    assert.ok(row);
    assert.deepEqual(row.from, { name: 'Afzender één', address: 'afzender1@lab.example' });
    assert.equal(row.subject, 'Bericht 130');
    assert.deepEqual(row.to, [{ name: '', address: 'alice@praktijk-linde.nl' }]);
    assert.equal(row.messageId, '<bericht-130@lab.example>');
    assert.equal(row.inReplyTo, null);
    assert.equal(row.date.toISOString(), new Date(Date.UTC(2024, 0, 1) + 130 * 60_000).toISOString());
    assert.deepEqual(row.flags, []);
    assert.equal(row.hasAttachments, false);
  });

  it('searches text, fields and flags through the store search, newest first and paged', async () => {
    const text = await webmail.search(alice, paging.id, { query: 'uitslag', limit: 5 });
    assert.equal(text.total, 13);
    assert.deepEqual(text.rows.map((r) => r.subject), ['Bericht 130', 'Bericht 120', 'Bericht 110', 'Bericht 100', 'Bericht 090']);
    const second = await webmail.search(alice, paging.id, { query: 'uitslag', limit: 5, offset: 5 });
    assert.deepEqual(second.rows.map((r) => r.subject), ['Bericht 080', 'Bericht 070', 'Bericht 060', 'Bericht 050', 'Bericht 040']);
    const byCursor = await webmail.search(alice, paging.id, { query: 'uitslag', limit: 5, after: text.nextAfter! });
    assert.deepEqual(byCursor.rows.map((r) => r.uid), second.rows.map((r) => r.uid));
    assert.equal(byCursor.offset, null);
    const third = await webmail.search(alice, paging.id, { query: 'uitslag', limit: 5, after: byCursor.nextAfter! });
    assert.deepEqual(third.rows.map((r) => r.subject), ['Bericht 030', 'Bericht 020', 'Bericht 010']);
    assert.equal(third.nextAfter, null);
    const from = await webmail.search(alice, paging.id, { query: 'afzender2', scope: 'from', limit: 200 });
    assert.ok(from.rows.every((r) => r.from?.address === 'afzender2@lab.example'));
    assert.equal(from.total, from.rows.length);
    const combined = await webmail.search(alice, paging.id, { query: 'subject:"Bericht 12" is:unread', limit: 50 });
    assert.deepEqual(combined.rows.map((r) => r.subject), ['Bericht 129', 'Bericht 128', 'Bericht 127', 'Bericht 125', 'Bericht 124', 'Bericht 123', 'Bericht 122', 'Bericht 121', 'Bericht 120']);
    await assert.rejects(webmail.search(alice, paging.id, { query: '   ', limit: 5 }), { code: 'BADINPUT' });
  });

  it("refuses another mailbox's folder as if it did not exist", async () => {
    await assert.rejects(webmail.list(bob, paging.id, { limit: 10 }), { code: 'NONEXISTENT' });
    await assert.rejects(webmail.read(bob, paging.id, all[0]!), { code: 'NONEXISTENT' });
  });
});

describe('reading', () => {
  let inbox: Folder;
  let hostileUid: number;

  before(async () => {
    inbox = await folder(alice, 'INBOX');
    ({ uid: hostileUid } = await mail().append(inbox.id, hostileMessage('evil@evil.example', 'alice@praktijk-linde.nl')));
  });

  it('marks \\Seen when opened (not with peek), logs the opening, and decodes the headers', async () => {
    const peeked = await webmail.read(alice, inbox.id, hostileUid, { peek: true });
    assert.ok(!peeked.flags.includes('\\Seen'));
    const before = (await webmail.folders(alice)).find((f) => f.id === inbox.id)!.unread;
    const view = await webmail.read(alice, inbox.id, hostileUid);
    assert.ok(view.flags.includes('\\Seen'));
    assert.equal((await webmail.folders(alice)).find((f) => f.id === inbox.id)!.unread, before - 1);
    assert.equal(view.subject, 'Uitslag onderzoek ✓');
    assert.equal(view.text, 'Geachte collega, zie de uitslag.');
    assert.equal(view.hasHtml, true);
    assert.equal(view.remoteImages, 8);
    assert.equal(view.hasAttachments, true);
    assert.deepEqual(
      view.attachments.map((a) => [a.part, a.filename, a.contentType, a.inline, a.contentId]),
      [
        ['1.2', 'bijlage-1.png', 'image/png', true, 'logo@zorgpost.test'],
        ['2', 'uitslag.pdf', 'application/pdf', false, null],
      ],
    );
    const opened = await server.server.services.audit.list({ action: 'message.open', mailboxId: alice.mailbox.id, limit: 10 });
    assert.ok(opened.some((r) => r.actor === alice.actor && (r.detail as { uid: number }).uid === hostileUid && r.remoteAddress === '192.0.2.10'));
  });

  it('sanitises the crafted hostile HTML: nothing runs, nothing remote loads, the cid: image is inline', async () => {
    const html = await webmail.html(alice, inbox.id, hostileUid, { allowRemoteImages: false, cidUrl: (part) => `parts/${part}` });
    assert.ok(html);
    assertInert(html.html);
    assert.equal(html.remoteImages, 8);
    assert.ok(html.html.includes(`src="data:image/png;base64,${PIXEL_PNG.toString('base64')}"`), 'the cid: image as the inline part');
    assert.match(html.html, /<a href="https:\/\/zorg\.example\/info" target="_blank" rel="noopener noreferrer">/);
    assert.match(html.html, /Met vriendelijke groet/);

    const allowed = await webmail.html(alice, inbox.id, hostileUid, { allowRemoteImages: true, cidUrl: (part) => `parts/${part}` });
    assert.equal(allowed!.remoteImages, 0);
    assert.match(allowed!.html, /<img width="1" height="1" alt="" src="https:\/\/evil\.example\/pixel\.gif" \/>/);
    assert.doesNotMatch(allowed!.html, /<script|onerror|javascript:|url\(/i);
  });

  it('streams an attachment decoded, and the raw message as stored', async () => {
    const pdf = await webmail.attachment(alice, inbox.id, hostileUid, '2');
    assert.equal(pdf.filename, 'uitslag.pdf');
    assert.equal((await collect(pdf.stream)).toString(), '%PDF-1.4\n% test document\n%%EOF\n');
    const image = await webmail.attachment(alice, inbox.id, hostileUid, '1.2');
    assert.deepEqual(await collect(image.stream), PIXEL_PNG);
    await assert.rejects(webmail.attachment(alice, inbox.id, hostileUid, '9'), { code: 'NONEXISTENT' });
    const raw = await webmail.raw(alice, inbox.id, hostileUid);
    assert.deepEqual(await collect(raw.stream), hostileMessage('evil@evil.example', 'alice@praktijk-linde.nl'));
    assert.equal(raw.filename, 'Uitslag onderzoek _.eml');
  });

  it('reads every corpus message, and its attachments come out byte-identical to what mailparser decodes', { skip: corpusUnavailable() }, async () => {
    const corpus = await folder(alice, 'Corpus');
    let compared = 0;
    for (const entry of listCorpus()) {
      const raw = await readCorpusMessage(entry);
      if (raw.length > 2 * 1024 * 1024) continue;
      const { uid } = await mail().append(corpus.id, raw);
      const view = await webmail.read(alice, corpus.id, uid, { peek: true });
      const html = await webmail.html(alice, corpus.id, uid, { allowRemoteImages: false, cidUrl: (part) => `parts/${part}` });
      if (html) assertInert(html.html, { ownImages: /^parts\/[\d.]+$/ });
      if (!entry.categories.some((c) => c.startsWith('attachment-') || c === 'image')) continue;
      const parsed = await simpleParser(raw);
      for (const attachment of view.attachments) {
        const expected = parsed.attachments.filter((a) => a.filename === attachment.filename && a.contentType === attachment.contentType);
        if (expected.length !== 1 || attachment.contentType === 'message/rfc822') continue;
        const download = await webmail.attachment(alice, corpus.id, uid, attachment.part);
        assert.deepEqual(await collect(download.stream), expected[0]!.content, `${entry.file} part ${attachment.part}`);
        compared++;
      }
    }
    assert.ok(compared >= 20, `only ${compared} attachments compared`);
  });

  it('shows the corpus inline images of multipart/related as data: images', { skip: corpusUnavailable() }, async () => {
    const entry = listCorpus().find((e) => e.file.startsWith('0307-'))!;
    const { uid } = await mail().append(inbox.id, await readCorpusMessage(entry));
    const view = await webmail.read(alice, inbox.id, uid, { peek: true });
    const html = await webmail.html(alice, inbox.id, uid, { allowRemoteImages: false, cidUrl: (part) => `parts/${part}` });
    assert.ok(html);
    assert.doesNotMatch(html.html, /cid:/i);
    assert.match(html.html, /src="data:image\/(?:png|gif|jpeg)/);
    assert.ok(view.attachments.some((a) => a.contentId !== null && a.inline));
  });
});

describe('sending, replies and drafts', () => {
  it('sends to another mailbox here: it lands in its INBOX, a copy with Bcc is in Sent, the send is audited', async () => {
    const outcome = await webmail.send(alice, {
      to: [{ name: 'Bob', address: 'bob@praktijk-linde.nl' }],
      cc: [],
      bcc: [{ address: 'alice@praktijk-linde.nl' }],
      subject: 'Overleg patiënt',
      text: 'Hoi Bob,\nkun je dit bekijken?\n',
      html: '<p>Hoi Bob,<br>kun je dit <b>bekijken</b>?</p>',
      attachments: [{ filename: 'notitie.txt', contentType: 'text/plain', content: Buffer.from('regel 1\nregel 2\n') }],
    });
    assert.deepEqual(outcome.routes.map((r) => [r.recipient, r.route]), [['bob@praktijk-linde.nl', 'inside'], ['alice@praktijk-linde.nl', 'inside']]);
    const bobInbox = await folder(bob, 'INBOX');
    const page = await webmail.list(bob, bobInbox.id, { limit: 1 });
    const received = page.rows[0]!;
    assert.equal(received.subject, 'Overleg patiënt');
    assert.deepEqual(received.from, { name: 'Dr. Alice Linde', address: 'alice@praktijk-linde.nl' });
    assert.equal(received.messageId, outcome.messageId);
    assert.equal(received.hasAttachments, true);
    const bobRaw = (await collect((await webmail.raw(bob, bobInbox.id, received.uid)).stream)).toString();
    assert.doesNotMatch(bobRaw, /^Bcc:/im, 'Bcc is not sent');
    assert.match(bobRaw, /^Received: from webmail \(\[192\.0\.2\.10\]\)/m);
    const read = await webmail.read(bob, bobInbox.id, received.uid);
    assert.equal(read.text.replace(/\r\n/g, '\n'), 'Hoi Bob,\nkun je dit bekijken?\n');
    const [file] = read.attachments;
    assert.equal(file!.filename, 'notitie.txt');
    assert.equal((await collect((await webmail.attachment(bob, bobInbox.id, received.uid, file!.part)).stream)).toString(), 'regel 1\nregel 2\n');

    assert.ok(outcome.sent);
    const sentFolder = (await webmail.folders(alice)).find((f) => f.specialUse === '\\Sent')!;
    assert.equal(outcome.sent.folderId, sentFolder.id);
    const copy = await webmail.read(alice, sentFolder.id, outcome.sent.uid, { peek: true });
    assert.deepEqual(copy.bcc, [{ name: '', address: 'alice@praktijk-linde.nl' }]);
    assert.ok(copy.flags.includes('\\Seen'));
    assert.equal(copy.messageId, outcome.messageId);
    // Sent to herself as Bcc: exactly one copy in her INBOX (delivery), one in Sent (ours).
    const aliceInbox = await folder(alice, 'INBOX');
    const own = await webmail.search(alice, aliceInbox.id, { query: 'Overleg', scope: 'subject', limit: 10 });
    assert.equal(own.total, 1);
    const sends = await server.server.services.audit.list({ action: 'webmail.send', mailboxId: alice.mailbox.id, limit: 10 });
    assert.equal(sends.at(-1)!.actor, alice.actor);
  });

  it('a reply carries In-Reply-To and References and sets \\Answered on the original; a forward sets $Forwarded', async () => {
    const bobInbox = await folder(bob, 'INBOX');
    const original = (await webmail.list(bob, bobInbox.id, { limit: 1 })).rows[0]!;
    await webmail.send(bob, {
      to: [{ address: 'alice@praktijk-linde.nl' }],
      cc: [],
      bcc: [],
      subject: `Re: ${original.subject}`,
      text: 'Gedaan.',
      inReplyTo: original.messageId!,
      references: [original.messageId!],
      origin: { folderId: bobInbox.id, uid: original.uid, kind: 'reply' },
    });
    const flags = (await webmail.read(bob, bobInbox.id, original.uid, { peek: true })).flags;
    assert.ok(flags.includes('\\Answered'));
    const aliceInbox = await folder(alice, 'INBOX');
    const reply = (await webmail.list(alice, aliceInbox.id, { limit: 1 })).rows[0]!;
    assert.equal(reply.inReplyTo, original.messageId);
    const view = await webmail.read(alice, aliceInbox.id, reply.uid);
    assert.deepEqual(view.references, [original.messageId]);

    // Forward with the original's attachment, taken from the store.
    const file = (await webmail.read(bob, bobInbox.id, original.uid, { peek: true })).attachments[0]!;
    await webmail.send(bob, {
      to: [{ address: 'alice@praktijk-linde.nl' }],
      cc: [],
      bcc: [],
      subject: `Fwd: ${original.subject}`,
      text: 'Ter info.',
      origin: { folderId: bobInbox.id, uid: original.uid, kind: 'forward' },
      storedAttachments: [{ folderId: bobInbox.id, uid: original.uid, part: file.part }],
    });
    assert.ok((await webmail.read(bob, bobInbox.id, original.uid, { peek: true })).flags.includes('$Forwarded'));
    const forwarded = (await webmail.list(alice, aliceInbox.id, { limit: 1 })).rows[0]!;
    const attachment = (await webmail.read(alice, aliceInbox.id, forwarded.uid)).attachments[0]!;
    assert.equal((await collect((await webmail.attachment(alice, aliceInbox.id, forwarded.uid, attachment.part)).stream)).toString(), 'regel 1\nregel 2\n');
    const audited = await server.server.services.audit.list({ action: 'message.forward', mailboxId: bob.mailbox.id, limit: 10 });
    assert.equal(audited.length, 1);
  });

  it('saves a draft with \\Draft, replaces it on the next save keeping its files, opens it, and removes it on send', async () => {
    const first = await webmail.saveDraft(alice, {
      to: [{ name: 'Bob', address: 'bob@praktijk-linde.nl' }],
      cc: [],
      bcc: [{ address: 'archief@praktijk-linde.nl' }],
      subject: 'Concept',
      text: 'Eerste versie',
      attachments: [{ filename: 'bijlage.txt', contentType: 'text/plain', content: Buffer.from('inhoud') }],
      secure: { requested: true, mobiles: { 'bob@praktijk-linde.nl': '0612345678' } },
    });
    const opened = await webmail.openDraft(alice, first.uid);
    assert.equal(opened.subject, 'Concept');
    assert.equal(opened.text, 'Eerste versie');
    assert.deepEqual(opened.bcc, [{ name: '', address: 'archief@praktijk-linde.nl' }]);
    assert.deepEqual(opened.secure, { requested: true, mobiles: { 'bob@praktijk-linde.nl': '0612345678' } });
    assert.equal(opened.attachments.length, 1);
    const second = await webmail.saveDraft(alice, {
      to: opened.to,
      cc: [],
      bcc: [],
      subject: 'Concept 2',
      text: 'Tweede versie',
      draftUid: first.uid,
      storedAttachments: [{ folderId: first.folderId, uid: first.uid, part: opened.attachments[0]!.part }],
    });
    assert.equal(second.folderId, first.folderId);
    const drafts = await webmail.list(alice, first.folderId, { limit: 10 });
    assert.deepEqual(drafts.rows.map((r) => [r.uid, r.subject]), [[second.uid, 'Concept 2']]);
    assert.ok(drafts.rows[0]!.flags.includes('\\Draft'));
    const reopened = await webmail.openDraft(alice, second.uid);
    assert.equal(reopened.attachments[0]!.filename, 'bijlage.txt');
    assert.deepEqual(reopened.secure, { requested: false, mobiles: {} });

    await webmail.send(alice, { to: reopened.to, cc: [], bcc: [], subject: reopened.subject, text: reopened.text, draftUid: second.uid });
    assert.equal((await webmail.list(alice, first.folderId, { limit: 10 })).total, 0);
  });

  it('refuses a message without recipients or over the size limit', async () => {
    await assert.rejects(webmail.send(alice, { to: [], cc: [], bcc: [], subject: 'x', text: 'x' }), { code: 'BADINPUT' });
    const big = Buffer.alloc(server.config.limits.maxMessageBytes, 0x61);
    await assert.rejects(
      webmail.send(alice, { to: [{ address: 'bob@praktijk-linde.nl' }], cc: [], bcc: [], subject: 'x', attachments: [{ filename: 'a.bin', contentType: 'application/octet-stream', content: big }] }),
      { code: 'TOOBIG' },
    );
  });
});

describe('flags, move, delete and undo', () => {
  it('moves to another folder and back with the new UIDs; delete goes to Trash, undo moves back, Trash deletes for good', async () => {
    const work = await folder(alice, 'Werk');
    const archive = await folder(alice, 'Archive');
    const uids: number[] = [];
    for (let i = 0; i < 3; i++) uids.push((await mail().append(work.id, simpleMessage(500 + i))).uid);

    const flagged = await webmail.setFlags(alice, work.id, uids.slice(0, 2), { add: ['flagged', 'seen'] });
    assert.deepEqual(flagged.map((c) => c.uid).sort(), uids.slice(0, 2));
    assert.ok(flagged.every((c) => c.flags.includes('\\Flagged') && c.flags.includes('\\Seen')));
    await webmail.setFlags(alice, work.id, [uids[0]!], { remove: ['seen'] });

    const moved = await webmail.move(alice, work.id, [uids[0]!], archive.id);
    assert.equal(moved.folderId, archive.id);
    const [[oldUid, newUid]] = moved.moved as [[number, number]];
    assert.equal(oldUid, uids[0]);
    const there = await webmail.read(alice, archive.id, newUid, { peek: true });
    assert.deepEqual(there.flags.sort(), ['\\Flagged']);
    const back = await webmail.move(alice, archive.id, [newUid], work.id);
    uids[0] = back.moved[0]![1];

    const deleted = await webmail.delete(alice, work.id, uids);
    assert.equal(deleted.permanent, false);
    assert.ok(!deleted.permanent);
    const trash = (await webmail.folders(alice)).find((f) => f.specialUse === '\\Trash')!;
    assert.equal(deleted.folderId, trash.id);
    assert.equal((await webmail.list(alice, work.id, { limit: 10 })).total, 0);
    // Undo: move the new UIDs back where they came from.
    const undone = await webmail.move(alice, trash.id, deleted.moved.map(([, uid]) => uid), work.id);
    assert.equal(undone.moved.length, 3);
    // Bericht 500 went to Archive and back before, so it has the newest UID.
    assert.deepEqual((await webmail.list(alice, work.id, { limit: 10, order: 'oldest' })).rows.map((r) => r.subject), ['Bericht 501', 'Bericht 502', 'Bericht 500']);

    const again = await webmail.delete(alice, work.id, undone.moved.map(([, uid]) => uid).slice(0, 1));
    assert.ok(!again.permanent);
    const gone = await webmail.delete(alice, trash.id, again.moved.map(([, uid]) => uid));
    assert.deepEqual(gone, { permanent: true, expunged: [again.moved[0]![1]] });
    const audit = await server.server.services.audit.list({ action: 'message.delete', mailboxId: alice.mailbox.id, limit: 10 });
    assert.deepEqual(audit.map((r) => (r.detail as { permanent: boolean }).permanent), [false, false, true]);
    await assert.rejects(webmail.move(alice, work.id, [99_999], work.id), { code: 'BADINPUT' });
  });
});

describe('recipients, completion and the Viewer', () => {
  it('classes each recipient as the send would route it, with the install type\'s mobile rule', async () => {
    // Default policy: viewer-06-controle, security by default on.
    const plain = await webmail.checkRecipients(alice, ['bob@praktijk-linde.nl', 'patient@gmail.example', 'niemand@praktijk-linde.nl', 'geen adres'], { requested: false });
    assert.equal(plain.installType, 'viewer-06-controle');
    assert.equal(plain.mobile, 'asked');
    assert.equal(plain.secureByDefault, true);
    assert.deepEqual(
      plain.recipients.map((r) => [r.address, r.class, r.route, r.refused]),
      [
        ['bob@praktijk-linde.nl', 'community', 'inside', false],
        ['patient@gmail.example', 'unsafe', null, true],
        ['niemand@praktijk-linde.nl', 'community', null, true],
        ['geen adres', 'invalid', null, true],
      ],
    );
    const secure = await webmail.checkRecipients(alice, ['patient@gmail.example', 'p2@gmail.example'], { requested: true, mobiles: { 'p2@gmail.example': '06 1234 5678' } });
    assert.deepEqual(secure.recipients.map((r) => [r.class, r.route, r.channel]), [['viewer', 'viewer', 'email'], ['viewer', 'viewer', 'sms']]);

    const { policies } = server.server.services;
    await policies.update(alice.mailbox.orgId, { installType: 'viewer-06-verplicht' }, { actor: 'test' });
    try {
      const strict = await webmail.checkRecipients(alice, ['patient@gmail.example'], { requested: true });
      assert.equal(strict.mobile, 'required');
      assert.equal(strict.recipients[0]!.refused, true);
      assert.match(strict.recipients[0]!.reason, /mobile number/);
    } finally {
      await policies.update(alice.mailbox.orgId, { installType: 'viewer-06-controle' }, { actor: 'test' });
    }
  });

  it('completes addresses from the directory by part of a name, address or organisation', async () => {
    const byName = await webmail.completeAddress(alice, 'Assist');
    assert.deepEqual(byName.map((m) => m.address), ['bob@praktijk-linde.nl']);
    const byOrg = await webmail.completeAddress(alice, 'linde');
    assert.ok(byOrg.some((m) => m.address === 'alice@praktijk-linde.nl'));
    assert.ok(byOrg.length <= 10);
    assert.deepEqual(await webmail.completeAddress(alice, 'bo'), [{ name: 'Bob Assistent', address: 'bob@praktijk-linde.nl', organisation: 'Praktijk praktijk-linde.nl', kind: 'person' }]);
  });

  it('sends securely through the Viewer and shows the status by Message-ID in Sent, with revoke', async () => {
    const outcome = await webmail.send(alice, {
      to: [{ address: 'patient@gmail.example' }],
      cc: [],
      bcc: [],
      subject: 'Uw uitslag',
      text: 'Zie bijlage.',
      secure: { requested: true, mobiles: { 'patient@gmail.example': '0612345678' } },
    });
    assert.deepEqual(outcome.routes.map((r) => [r.route, r.channel]), [['viewer', 'sms']]);
    const list = await webmail.viewerMessages(alice, {});
    const status = list.find((s) => s.messageId === outcome.messageId);
    assert.ok(status, 'the Viewer message is found by the Message-ID of the Sent copy');
    assert.equal(status.recipient, 'patient@gmail.example');
    assert.equal(status.state, 'active');
    assert.equal(status.maskedMobile, '+*******5678');
    const sentCopy = await webmail.read(alice, outcome.sent!.folderId, outcome.sent!.uid, { peek: true });
    assert.equal(sentCopy.messageId, status.messageId);
    const revoked = await webmail.revokeViewerMessage(alice, status.id);
    assert.equal(revoked.state, 'revoked');
    await assert.rejects(webmail.viewerMessage(bob, status.id), { code: 'NONEXISTENT' });
    const audit = await server.server.services.audit.list({ action: 'secure.viewer.revoke', limit: 5 });
    assert.equal(audit.at(-1)!.actor, alice.actor);
  });

  it('an unsafe send to an external recipient is refused by the default policy with the reason', async () => {
    await assert.rejects(
      webmail.send(alice, { to: [{ address: 'patient@gmail.example' }], cc: [], bcc: [], subject: 'x', text: 'x' }),
      (error: Error & { code?: string }) => error.code === 'NOPERM' && /requires secure sending/.test(error.message),
    );
  });
});

async function collect(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}
