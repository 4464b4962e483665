// The store conformance suite (STYLE §6): every Store implementation must pass it. It exercises the
// operations the services use, including the mod-sequence and change-feed guarantees.
import assert from 'node:assert/strict';
import { describe, it, before, after } from 'node:test';
import type { Store } from '../../src/store/store.ts';
import type { MessageStructure } from '../../src/mail/mime/types.ts';
import { DEFAULT_FOLDERS, type ChangeEvent } from '../../src/mail/types.ts';
import { auditHash } from '../../src/store/sql/audit.ts';
import { passageConformance } from './conformance-passage.ts';

const structure: MessageStructure = {
  size: 10,
  envelope: { date: null, subject: null, from: null, sender: null, replyTo: null, to: null, cc: null, bcc: null, inReplyTo: null, messageId: null },
  root: {
    headerStart: 0, bodyStart: 2, bodyEnd: 10, type: 'text', subtype: 'plain', params: [], id: null, description: null,
    encoding: '7bit', disposition: null, language: null, location: null, md5: null, lines: 1,
  },
};

export function storeConformance(name: string, open: () => Promise<{ store: Store; cleanup(): Promise<void> }>): void {
  describe(`store conformance: ${name}`, () => {
    let store: Store;
    let cleanup: () => Promise<void>;
    let mailboxId: number;
    let inboxId: number;
    let archiveId: number;
    const events: ChangeEvent[] = [];

    before(async () => {
      ({ store, cleanup } = await open());
      store.onChange((e) => events.push(e));
      const org = await store.accounts.insertOrganisation({ name: 'Praktijk', domain: 'praktijk.test' });
      const mailbox = await store.accounts.insertMailbox(
        { orgId: org.id, address: 'a@praktijk.test', displayName: 'A', klantnummer: '500000001', quotaBytes: null },
        DEFAULT_FOLDERS,
      );
      mailboxId = mailbox.id;
      inboxId = (await store.folders.find(mailboxId, 'INBOX'))!.id;
      archiveId = (await store.folders.find(mailboxId, 'Archive'))!.id;
    });
    after(() => cleanup());

    it('keeps organisations and mailboxes unique', async () => {
      await assert.rejects(store.accounts.insertOrganisation({ name: 'X', domain: 'praktijk.test' }), { code: 'ALREADYEXISTS' });
      const org = (await store.accounts.findOrganisation({ domain: 'praktijk.test' }))!;
      await assert.rejects(
        store.accounts.insertMailbox({ orgId: org.id, address: 'b@praktijk.test', displayName: 'B', klantnummer: '500000001', quotaBytes: null }, []),
        { code: 'ALREADYEXISTS' },
      );
      assert.equal((await store.accounts.findMailbox({ klantnummer: '500000001' }))?.address, 'a@praktijk.test');
      assert.equal((await store.accounts.findMailbox({ address: 'A@Praktijk.test' }))?.klantnummer, '500000001');
    });

    it('creates the default folders with subscriptions and distinct UIDVALIDITY values', async () => {
      const folders = await store.folders.list(mailboxId);
      assert.deepEqual(folders.map((f) => f.name).sort(), DEFAULT_FOLDERS.map((f) => f.name).sort());
      assert.equal(new Set(folders.map((f) => f.uidValidity)).size, folders.length);
      assert.equal(folders.find((f) => f.name === 'Sent')?.specialUse, '\\Sent');
      assert.deepEqual((await store.folders.listSubscriptions(mailboxId)).sort(), DEFAULT_FOLDERS.map((f) => f.name).sort());
    });

    it('replaces Hosted Mail Keys, revoking the old one and announcing it', async () => {
      const first = await store.accounts.replaceHostedMailKey(mailboxId, 'hash-1');
      const second = await store.accounts.replaceHostedMailKey(mailboxId, 'hash-2');
      assert.notEqual(first, second);
      assert.deepEqual((await store.accounts.activeHostedMailKey(mailboxId))?.hash, 'hash-2');
      assert.ok(events.some((e) => e.type === 'credentials' && e.keyId === second));
    });

    it('assigns ascending UIDs and mod-sequences, keeps counters and reports changes', async () => {
      const before = (await store.folders.findById(inboxId))!;
      const results: Array<{ uid: number; modseq: number }> = [];
      for (let i = 0; i < 5; i++) {
        results.push(...(await store.messages.insert({ blobId: `blob${i}`, size: 10, structure }, [{ folderId: inboxId, flags: i === 0 ? ['\\Seen'] : [], internalDate: new Date(1_700_000_000_000 + i) }])));
      }
      assert.deepEqual(results.map((r) => r.uid), [1, 2, 3, 4, 5]);
      assert.ok(results.every((r, i) => i === 0 || r.modseq > results[i - 1]!.modseq));
      const folder = (await store.folders.findById(inboxId))!;
      assert.equal(folder.messages, 5);
      assert.equal(folder.unseen, 4);
      assert.equal(folder.size, 50);
      assert.equal(folder.uidNext, 6);
      assert.deepEqual(await store.messages.listUids(inboxId), [1, 2, 3, 4, 5]);
      const changes = await store.messages.changesSince(inboxId, before.highestModseq);
      assert.deepEqual(changes.added, [1, 2, 3, 4, 5]);
      assert.deepEqual(changes.updated, []);
      assert.equal(await store.messages.firstUnseenUid(inboxId), 2);
      const range = await store.messages.listRange(inboxId, 2, 4, 10);
      assert.deepEqual(range.map((m) => m.uid), [2, 3, 4]);
      assert.deepEqual(range[0]!.internalDate, new Date(1_700_000_000_001));
    });

    it('updates flags with one new mod-sequence, unseen counts and keywords', async () => {
      const before = (await store.folders.findById(inboxId))!;
      const result = await store.messages.updateFlags(inboxId, [{ start: 2, end: 3 }], 'add', ['\\Seen', '$Forwarded']);
      assert.deepEqual(result.changed.map((c) => c.uid), [2, 3]);
      assert.deepEqual(result.changed[0]!.flags, ['\\Seen', '$Forwarded']);
      assert.equal(result.highestModseq, before.highestModseq + 1);
      const folder = (await store.folders.findById(inboxId))!;
      assert.equal(folder.unseen, 2);
      assert.deepEqual(folder.keywords, ['$Forwarded']);
      const again = await store.messages.updateFlags(inboxId, [{ start: 2, end: 3 }], 'add', ['\\Seen']);
      assert.deepEqual(again.changed, [], 'no change, no new mod-sequence');
      const replaced = await store.messages.updateFlags(inboxId, [{ start: 1, end: Infinity }], 'replace', ['\\Flagged']);
      assert.equal(replaced.changed.length, 5);
      assert.equal((await store.folders.findById(inboxId))!.unseen, 5);
      const conditional = await store.messages.updateFlags(inboxId, [{ start: 1, end: 2 }], 'add', ['\\Deleted'], before.highestModseq);
      assert.deepEqual(conditional.modified, [1, 2], 'UNCHANGEDSINCE refuses messages changed later');
      const changes = await store.messages.changesSince(inboxId, before.highestModseq);
      assert.deepEqual(changes.added, []);
      assert.equal(changes.updated.length, 5);
    });

    it('copies and moves with UID mappings, and expunges with tombstones', async () => {
      const copied = await store.messages.copy(inboxId, [{ start: 1, end: 2 }], archiveId, false);
      assert.deepEqual(copied.mapping, [[1, 1], [2, 2]]);
      const moved = await store.messages.copy(inboxId, [{ start: 3, end: 3 }], archiveId, true);
      assert.deepEqual(moved.mapping, [[3, 3]]);
      assert.deepEqual(moved.expunged, [3]);
      assert.deepEqual(await store.messages.listUids(inboxId), [1, 2, 4, 5]);
      assert.equal((await store.folders.findById(archiveId))!.messages, 3);
      const mark = (await store.folders.findById(inboxId))!.highestModseq;
      await store.messages.updateFlags(inboxId, [{ start: 4, end: 5 }], 'add', ['\\Deleted']);
      const removed = await store.messages.remove(inboxId, { onlyDeleted: true, uids: [{ start: 5, end: 5 }] });
      assert.deepEqual(removed.expunged, [5]);
      assert.deepEqual(removed.releasedBlobs, ['blob4']);
      const changes = await store.messages.changesSince(inboxId, mark);
      assert.deepEqual(changes.expunged, [5]);
      const all = await store.messages.remove(inboxId, { onlyDeleted: false });
      assert.deepEqual(all.expunged, [1, 2, 4]);
      assert.deepEqual(all.releasedBlobs, ['blob3'], 'copied bodies stay referenced by the archive');
      const inbox = (await store.folders.findById(inboxId))!;
      assert.equal(inbox.messages, 0);
      assert.equal(inbox.size, 0);
    });

    it('moves messages within one folder to new UIDs (RFC 6851), even for an open range', async () => {
      const folder = await store.folders.insert(mailboxId, 'Move here', null);
      for (const blobId of ['m1', 'm2']) await store.messages.insert({ blobId, size: 10, structure }, [{ folderId: folder.id, flags: [], internalDate: new Date() }]);
      const moved = await store.messages.copy(folder.id, [{ start: 1, end: Infinity }], folder.id, true);
      assert.deepEqual(moved.mapping, [[1, 3], [2, 4]]);
      assert.deepEqual(moved.expunged, [1, 2]);
      assert.deepEqual(await store.messages.listUids(folder.id), [3, 4]);
      const after = (await store.folders.findById(folder.id))!;
      assert.equal(after.messages, 2);
      assert.equal(after.uidNext, 5);
    });

    it('delivers one body into several folders atomically', async () => {
      const results = await store.messages.insert({ blobId: 'shared', size: 10, structure }, [
        { folderId: inboxId, flags: [], internalDate: new Date() },
        { folderId: archiveId, flags: [], internalDate: new Date() },
      ]);
      assert.equal(results.length, 2);
      await assert.rejects(
        store.messages.insert({ blobId: 'orphan', size: 10, structure }, [
          { folderId: inboxId, flags: [], internalDate: new Date() },
          { folderId: 999_999, flags: [], internalDate: new Date() },
        ]),
      );
      assert.equal((await store.messages.listUids(inboxId)).length, 1, 'the failed delivery left nothing behind');
    });

    it('renames folder trees and deletes folders, releasing their blobs', async () => {
      const parent = await store.folders.insert(mailboxId, 'Projects', null);
      await store.folders.insert(mailboxId, 'Projects/2026', null);
      await store.messages.insert({ blobId: 'project', size: 10, structure }, [{ folderId: parent.id, flags: [], internalDate: new Date() }]);
      await store.folders.rename(mailboxId, [['Projects', 'Work'], ['Projects/2026', 'Work/2026']]);
      assert.ok(await store.folders.find(mailboxId, 'Work/2026'));
      assert.equal(await store.folders.find(mailboxId, 'Projects'), null);
      await assert.rejects(store.folders.insert(mailboxId, 'Work', null), { code: 'ALREADYEXISTS' });
      const { releasedBlobs } = await store.folders.delete(parent.id);
      assert.deepEqual(releasedBlobs, ['project']);
    });

    it('hands out \\Recent once', async () => {
      const folder = await store.folders.insert(mailboxId, 'Recent test', null);
      await store.messages.insert({ blobId: 'r1', size: 10, structure }, [{ folderId: folder.id, flags: [], internalDate: new Date() }]);
      assert.equal(await store.folders.countRecent(folder.id), 1);
      assert.equal(await store.folders.claimRecent(folder.id), 0);
      assert.equal(await store.folders.countRecent(folder.id), 0);
      assert.equal(await store.folders.claimRecent(folder.id), 1);
      assert.equal(await store.messages.firstUnseenUid(folder.id), 1);
      await store.messages.updateFlags(folder.id, [{ start: 1, end: 1 }], 'add', ['\\Seen']);
      assert.equal(await store.messages.firstUnseenUid(folder.id), null);
    });

    it('chains the audit log', async () => {
      const first = await store.audit.append({ actor: 'test', action: 'one', mailboxId, detail: { n: 1 } });
      const second = await store.audit.append({ actor: 'test', action: 'two', remoteAddress: '127.0.0.1' });
      assert.equal(second.prevHash, first.hash);
      const [a, b] = await store.audit.list({ afterId: first.id - 1 });
      assert.equal(auditHash(a!.prevHash, a!), a!.hash);
      assert.equal(auditHash(b!.prevHash, b!), b!.hash);
      assert.deepEqual(a!.detail, { n: 1 });
    });

    describe('directory', () => {
      const input = (uid: string, cn: string, hidden = false) => ({
        kind: 'person' as const,
        uid,
        mailboxId: null,
        orgId: null,
        hidden,
        attributes: { mail: [uid], cn: [cn] },
        index: { mail: [uid], cn: [cn.toLowerCase()] },
      });

      it('upserts by uid in one transaction, announces the change and finds entries back', async () => {
        const before = events.length;
        const saved = await store.directory.upsert([input('jan@dir.test', 'Jan de Vries'), input('oz@dir.test', 'Kemal Ozturk'), input('h@dir.test', 'Jan Hidden', true)]);
        assert.deepEqual(saved.map((e) => e.uid), ['jan@dir.test', 'oz@dir.test', 'h@dir.test']);
        assert.ok(events.slice(before).some((e) => e.type === 'directory'));
        const again = await store.directory.upsert([input('jan@dir.test', 'Jan de Vries-Bakker')]);
        assert.equal(again[0]!.id, saved[0]!.id, 'same uid, same entry');
        assert.deepEqual((await store.directory.find({ uid: 'jan@dir.test' }))!.attributes.cn, ['Jan de Vries-Bakker']);
        assert.equal((await store.directory.find({ id: saved[1]!.id }))!.uid, 'oz@dir.test');
        assert.deepEqual((await store.directory.get([saved[1]!.id, saved[0]!.id])).map((e) => e.uid), ['jan@dir.test', 'oz@dir.test']);
        assert.equal(await store.directory.count({ includeHidden: true }), (await store.directory.count({ includeHidden: false })) + 1);
      });

      it('gives index candidates for equality, prefix, substring and short fragments, never hidden entries', async () => {
        const uidsOf = async (query: Parameters<Store['directory']['candidates']>[0]) =>
          (await store.directory.get(await store.directory.candidates(query, 0, 100))).map((e) => e.uid);
        const match = (attribute: string, initial: string | null, any: string[], final: string | null) => ({ op: 'match' as const, attribute, initial, any, final });
        assert.deepEqual(await uidsOf(match('cn', 'jan', [], null)), ['jan@dir.test'], 'hidden "Jan Hidden" left out');
        assert.deepEqual(await uidsOf(match('cn', null, ['ozt'], null)), ['oz@dir.test']);
        assert.deepEqual(await uidsOf(match('cn', null, ['oz'], null)), ['oz@dir.test'], 'below trigram length: scanned');
        assert.deepEqual(await uidsOf(match('cn', null, [], 'bakker')), ['jan@dir.test']);
        assert.deepEqual(await uidsOf({ op: 'equals', attribute: 'mail', value: 'oz@dir.test' }), ['oz@dir.test']);
        assert.deepEqual(await uidsOf({ op: 'or', queries: [match('cn', 'kem', [], null), match('mail', 'ja', [], null)] }), ['jan@dir.test', 'oz@dir.test']);
        assert.deepEqual(await uidsOf({ op: 'and', queries: [match('cn', 'jan', [], null), match('cn', null, ['zzz'], null)] }), []);
        // Candidates may over-approximate (the service checks each one), never miss.
        assert.ok((await uidsOf({ op: 'and', queries: [match('cn', 'jan', [], null), match('cn', null, ['zz'], null)] })).length <= 1);
        assert.deepEqual(await uidsOf({ op: 'or', queries: [match('cn', null, ['zt'], null), match('mail', null, ['n@'], null)] }), ['jan@dir.test', 'oz@dir.test']);
        assert.ok((await uidsOf(null)).includes('oz@dir.test'));
        const all = await store.directory.candidates(null, 0, 100);
        assert.deepEqual(await store.directory.candidates(null, all[0]!, 100), all.slice(1), 'continues after a position');
      });

      it('lists in id order, hides through upsert and removes entries with their index', async () => {
        const listed = await store.directory.list({ afterId: 0, limit: 100, includeHidden: true });
        assert.deepEqual(listed.map((e) => e.id), [...listed.map((e) => e.id)].sort((a, b) => a - b));
        await store.directory.upsert([input('oz@dir.test', 'Kemal Ozturk', true)]);
        assert.deepEqual(await store.directory.candidates({ op: 'match', attribute: 'cn', initial: null, any: ['ozt'], final: null }, 0, 10), []);
        assert.deepEqual(await store.directory.candidates({ op: 'match', attribute: 'cn', initial: null, any: ['oz'], final: null }, 0, 10), [], 'the short-fragment scan sees the change too');
        const oz = (await store.directory.find({ uid: 'oz@dir.test' }))!;
        await store.directory.remove(oz.id);
        assert.equal(await store.directory.find({ uid: 'oz@dir.test' }), null);
        const jan = (await store.directory.find({ uid: 'jan@dir.test' }))!;
        await store.directory.remove(jan.id);
        assert.deepEqual(await store.directory.candidates({ op: 'match', attribute: 'cn', initial: 'jan', any: [], final: null }, 0, 10), []);
      });
    });

    describe('domain books', () => {
      it('finds books by name whatever the case and keeps names unique', async () => {
        const book = await store.domainBooks.insert({ name: 'Conformance', description: 'test' });
        assert.deepEqual((await store.domainBooks.find({ name: 'CONFORMANCE' }))?.id, book.id);
        assert.equal((await store.domainBooks.find({ id: book.id }))?.domainCount, 0);
        await assert.rejects(store.domainBooks.insert({ name: 'conformance', description: null }), { code: 'ALREADYEXISTS' });
        await store.domainBooks.insert({ name: 'Other', description: null });
        await assert.rejects(store.domainBooks.rename(book.id, 'OTHER', null), { code: 'ALREADYEXISTS' });
        assert.ok((await store.domainBooks.list()).some((b) => b.name === 'Conformance' && b.description === 'test'));
      });

      it('adds thousands of domains at once, keeps notes unless given and replaces exactly', async () => {
        const book = (await store.domainBooks.find({ name: 'Conformance' }))!;
        const many = Array.from({ length: 3000 }, (_, i) => ({ domain: `d${i}.test`, note: i === 0 ? 'first' : null }));
        assert.deepEqual(await store.domainBooks.addDomains(book.id, many, { replace: false }), { added: 3000, removed: 0, total: 3000 });
        assert.equal(await store.domainBooks.contains(book.id, 'd2999.test'), true);
        assert.equal(await store.domainBooks.contains(book.id, 'd3000.test'), false);
        const again = [{ domain: 'd0.test', note: null }, { domain: 'd1.test', note: 'second' }, { domain: 'new.test', note: null }];
        assert.deepEqual(await store.domainBooks.addDomains(book.id, again, { replace: false }), { added: 1, removed: 0, total: 3001 });
        const notes = new Map((await store.domainBooks.listDomains(book.id)).map((d) => [d.domain, d.note]));
        assert.deepEqual([notes.get('d0.test'), notes.get('d1.test'), notes.get('new.test')], ['first', 'second', null]);
        assert.deepEqual(await store.domainBooks.addDomains(book.id, again, { replace: true }), { added: 0, removed: 2998, total: 3 });
        assert.deepEqual(await store.domainBooks.listDomains(book.id), again);
        assert.equal(await store.domainBooks.removeDomains(book.id, ['d1.test', 'absent.test']), 1);
        assert.equal((await store.domainBooks.find({ id: book.id }))?.domainCount, 2);
      });

      it('assigns books to organisations and refuses to delete a book in use', async () => {
        const book = (await store.domainBooks.find({ name: 'Conformance' }))!;
        const org = (await store.accounts.findOrganisation({ domain: 'praktijk.test' }))!;
        assert.equal(await store.domainBooks.assignedBook(org.id), null);
        await store.domainBooks.assign(org.id, book.id);
        assert.deepEqual(await store.domainBooks.assignedBook(org.id), { id: book.id, name: 'Conformance' });
        assert.deepEqual((await store.domainBooks.find({ id: book.id }))?.organisations, ['praktijk.test']);
        await assert.rejects(store.domainBooks.remove(book.id), { code: 'INUSE' });
        await assert.rejects(store.domainBooks.assign(org.id, 999_999), { code: 'NONEXISTENT' });
        await store.domainBooks.assign(org.id, null);
        await store.domainBooks.remove(book.id);
        assert.equal(await store.domainBooks.find({ id: book.id }), null);
        assert.equal(await store.domainBooks.contains(book.id, 'd0.test'), false);
        await assert.rejects(store.domainBooks.remove(book.id), { code: 'NONEXISTENT' });
      });
    });

    describe('outbound queue', () => {
      const bytes = Buffer.from([0x00, 0xff, 0x0d, 0x0a, 0x2e, 0xe9]);

      it('keeps queued mail byte for byte with its audit record, oldest first', async () => {
        const first = await store.outbound.enqueue({ kind: 'ordinary', mailFrom: 'a@praktijk.test', recipients: ['x@extern.test', 'y@extern.test'], raw: bytes }, [
          { actor: 'a@praktijk.test', action: 'conformance.queued', mailboxId, detail: { n: 1 } },
        ]);
        const second = await store.outbound.enqueue({ kind: 'viewer-code', mailFrom: '', recipients: ['z@extern.test'], raw: Buffer.from('b') });
        assert.ok(second.id > first.id);
        assert.deepEqual(first.raw, bytes);
        assert.equal(first.attempts, 0);
        const due = await store.outbound.due(new Date(Date.now() + 1000), { limit: 10 });
        assert.deepEqual(due.map((m) => m.id), [first.id, second.id]);
        assert.deepEqual(due[0]!.raw, bytes);
        assert.deepEqual(due[0]!.recipients, ['x@extern.test', 'y@extern.test']);
        assert.equal(due[1]!.mailFrom, '');
        assert.equal((await store.outbound.due(new Date(Date.now() + 1000), { limit: 1 })).length, 1);
        // A byte budget: the first message due always comes, however large; the next only if it fits.
        assert.deepEqual([first.size, second.size], [bytes.length, 1]);
        assert.deepEqual((await store.outbound.due(new Date(Date.now() + 1000), { limit: 10, maxBytes: 2 })).map((m) => m.id), [first.id]);
        assert.deepEqual((await store.outbound.due(new Date(Date.now() + 1000), { limit: 10, maxBytes: 7 })).map((m) => m.id), [first.id, second.id]);
        assert.equal((await store.audit.list({ action: 'conformance.queued' })).length, 1);
      });

      it('defers a failed message until its next attempt and removes delivered ones', async () => {
        const [first, second] = await store.outbound.list(10);
        const later = new Date(Date.now() + 60_000);
        await store.outbound.deferred(first!.id, later, 'connection refused');
        const now = new Date(Date.now() + 1000);
        assert.deepEqual((await store.outbound.due(now, { limit: 10 })).map((m) => m.id), [second!.id]);
        const deferred = (await store.outbound.list(10)).find((m) => m.id === first!.id)!;
        assert.equal(deferred.attempts, 1);
        assert.equal(deferred.lastError, 'connection refused');
        assert.equal(deferred.nextAttemptAt.getTime(), later.getTime());
        assert.equal((await store.outbound.nextAttemptAt())?.getTime(), second!.nextAttemptAt.getTime());
        await store.outbound.remove([second!.id]);
        assert.equal((await store.outbound.nextAttemptAt())?.getTime(), later.getTime());
        await store.outbound.remove([first!.id]);
        await store.outbound.remove([]);
        assert.equal(await store.outbound.nextAttemptAt(), null);
        assert.deepEqual(await store.outbound.list(10), []);
      });

      it('queues a Viewer message\'s notification in the transaction that stores it', async () => {
        const org = (await store.accounts.findOrganisation({ domain: 'praktijk.test' }))!;
        const at = new Date();
        const message = {
          senderMailboxId: mailboxId, orgId: org.id, submissionId: 'Q1', recipient: 'p@extern.test', mobile: null, channel: 'email' as const,
          language: 'nl', messageId: null, sealedSubject: 's', blobId: null, wrappedKey: null, size: 1, createdAt: at, expiresAt: new Date(at.getTime() + 1000),
        };
        const notification = { kind: 'viewer-notification' as const, mailFrom: 'no-reply@praktijk.test', recipients: ['p@extern.test'], raw: bytes };
        const [record] = await store.viewer.insert([{ ...message, linkHash: 'conformance-link', notification }], (created) =>
          created.map(({ record: r, notificationId }) => ({ actor: 'a', action: 'conformance.notify', detail: { id: r.id, notificationId } })),
        );
        assert.equal(record!.notifiedAt?.getTime(), at.getTime());
        const [queued] = await store.outbound.list(10);
        assert.deepEqual({ kind: queued!.kind, recipients: queued!.recipients, raw: queued!.raw }, { kind: 'viewer-notification', recipients: ['p@extern.test'], raw: bytes });
        assert.deepEqual((await store.audit.list({ action: 'conformance.notify' }))[0]!.detail, { id: record!.id, notificationId: queued!.id });
        // A failing insert (the link is taken) queues nothing.
        await assert.rejects(store.viewer.insert([{ ...message, linkHash: 'conformance-link', notification }], () => []));
        assert.equal((await store.outbound.list(10)).length, 1);
        await store.outbound.remove([queued!.id]);
      });
    });

    passageConformance(() => store);
  });
}
