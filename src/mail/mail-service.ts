// The mail service: folders and messages for every protocol front-end, on a Store and a BlobStore.
// Message bytes are parsed (MIME structure, envelope) while they stream to the blob store, so a
// message is read from the network once and never re-parsed to answer FETCH.
import type { Readable } from 'node:stream';
import type { Logger } from 'pino';
import type { BlobStore } from '../store/blob-store.ts';
import type { Store } from '../store/store.ts';
import { normaliseRanges } from '../store/uid-ranges.ts';
import { UserError } from '../errors.ts';
import { StructureParser } from './mime/structure-parser.ts';
import type { MessageStructure } from './mime/types.ts';
import { canonicalFolderName, isDescendant, parentNames, validateFolderName } from './folder-names.ts';
import { MessageMatcher, needsContent } from './search.ts';
import {
  DEFAULT_FOLDERS,
  SYSTEM_FLAGS,
  type AppendOptions,
  type ChangeEvent,
  type Delivery,
  type Folder,
  type MailService,
  type MessageMeta,
  type MessageSource,
  type SearchKey,
  type UidRange,
} from './types.ts';

const FETCH_CHUNK = 1000;
const STRUCTURE_CACHE_SIZE = 2000;
// RFC 3501 §9 flag-keyword = atom: no specials, no control characters, no 8-bit.
const KEYWORD = /^[\x21\x23\x24\x26\x27\x2b-\x5a\x5e-\x7a\x7c\x7e]+$/;
const SYSTEM_FLAG_NAMES = new Set(SYSTEM_FLAGS.map((f) => f.toLowerCase()));

export interface MailServiceOptions {
  store: Store;
  blobs: BlobStore;
  logger: Logger;
  maxMessageBytes: number;
}

export class StoreMailService implements MailService {
  readonly #store: Store;
  readonly #blobs: BlobStore;
  readonly #logger: Logger;
  readonly #maxMessageBytes: number;
  readonly #bodies = new Map<number, { blobId: string; structure: MessageStructure }>();

  constructor(options: MailServiceOptions) {
    this.#store = options.store;
    this.#blobs = options.blobs;
    this.#logger = options.logger;
    this.#maxMessageBytes = options.maxMessageBytes;
  }

  listFolders(mailboxId: number): Promise<Folder[]> {
    return this.#store.folders.list(mailboxId);
  }

  getFolder(mailboxId: number, name: string): Promise<Folder | null> {
    return this.#store.folders.find(mailboxId, canonicalFolderName(name));
  }

  getFolderById(folderId: number): Promise<Folder | null> {
    return this.#store.folders.findById(folderId);
  }

  /** RFC 3501 §6.3.3: missing superior folders are created too. */
  async createFolder(mailboxId: number, name: string, specialUse: string | null = null): Promise<Folder> {
    const canonical = validateFolderName(name);
    if (await this.#store.folders.find(mailboxId, canonical)) throw new UserError('ALREADYEXISTS', 'Folder already exists');
    for (const parent of parentNames(canonical)) {
      if (!(await this.#store.folders.find(mailboxId, parent))) await this.#store.folders.insert(mailboxId, parent, null);
    }
    return this.#store.folders.insert(mailboxId, canonical, specialUse ?? (await this.#vacantSpecialUse(mailboxId, canonical)));
  }

  /** A re-created "Sent", "Trash"… gets its special-use attribute back (RFC 6154) when no other
   * folder holds it, so clients find it again after it was deleted. */
  async #vacantSpecialUse(mailboxId: number, name: string): Promise<string | null> {
    const specialUse = DEFAULT_FOLDERS.find((f) => f.name === name)?.specialUse ?? null;
    if (!specialUse) return null;
    const folders = await this.#store.folders.list(mailboxId);
    return folders.some((f) => f.specialUse === specialUse) ? null : specialUse;
  }

  async deleteFolder(mailboxId: number, name: string): Promise<void> {
    const canonical = canonicalFolderName(name);
    // RFC 3501 §6.3.4: deleting INBOX is an error.
    if (canonical === 'INBOX') throw new UserError('CANNOT', 'INBOX cannot be deleted');
    const folder = await this.#requireFolder(mailboxId, canonical);
    const folders = await this.#store.folders.list(mailboxId);
    if (folders.some((f) => isDescendant(f.name, canonical))) {
      throw new UserError('CANNOT', 'Folder has subfolders; delete those first');
    }
    const { releasedBlobs } = await this.#store.folders.delete(folder.id);
    await this.#deleteBlobs(releasedBlobs);
  }

  async renameFolder(mailboxId: number, from: string, to: string): Promise<void> {
    const source = canonicalFolderName(from);
    const target = validateFolderName(to);
    const folder = await this.#requireFolder(mailboxId, source);
    if (source === target) throw new UserError('ALREADYEXISTS', 'Folder already exists');
    if (await this.#store.folders.find(mailboxId, target)) throw new UserError('ALREADYEXISTS', 'Folder already exists');
    if (isDescendant(target, source)) throw new UserError('CANNOT', 'Cannot move a folder into itself');
    for (const parent of parentNames(target)) {
      if (!(await this.#store.folders.find(mailboxId, parent))) await this.#store.folders.insert(mailboxId, parent, null);
    }
    // RFC 3501 §6.3.5: renaming INBOX moves its messages to a new folder and leaves INBOX empty.
    if (source === 'INBOX') {
      const created = await this.#store.folders.insert(mailboxId, target, null);
      await this.#store.messages.copy(folder.id, [{ start: 1, end: Infinity }], created.id, true);
      return;
    }
    const folders = await this.#store.folders.list(mailboxId);
    const renames: Array<[string, string]> = [[source, target]];
    for (const child of folders) {
      if (isDescendant(child.name, source)) renames.push([child.name, target + child.name.slice(source.length)]);
    }
    await this.#store.folders.rename(mailboxId, renames);
    const subscriptions = new Set(await this.#store.folders.listSubscriptions(mailboxId));
    for (const [oldName, newName] of renames) {
      if (!subscriptions.has(oldName)) continue;
      await this.#store.folders.setSubscribed(mailboxId, oldName, false);
      await this.#store.folders.setSubscribed(mailboxId, newName, true);
    }
  }

  listSubscriptions(mailboxId: number): Promise<string[]> {
    return this.#store.folders.listSubscriptions(mailboxId);
  }

  /** RFC 3501 §6.3.6: a subscription may name a folder that does not exist (yet). */
  async subscribe(mailboxId: number, name: string): Promise<void> {
    await this.#store.folders.setSubscribed(mailboxId, validateFolderName(name), true);
  }

  async unsubscribe(mailboxId: number, name: string): Promise<void> {
    await this.#store.folders.setSubscribed(mailboxId, canonicalFolderName(name), false);
  }

  async append(folderId: number, message: MessageSource, options: AppendOptions = {}) {
    const flags = validateFlags(options.flags ?? []);
    const { blobId, size, structure } = await this.#writeBlob(message);
    try {
      const [result] = await this.#store.messages.insert({ blobId, size, structure }, [
        { folderId, flags, internalDate: options.internalDate ?? new Date() },
      ]);
      return { uid: result!.uid, uidValidity: result!.uidValidity, modseq: result!.modseq };
    } catch (error) {
      await this.#deleteBlobs([blobId]);
      throw error;
    }
  }

  async deliver(mailboxIds: number[], message: MessageSource, options: Parameters<MailService['deliver']>[2] = {}): Promise<Delivery[]> {
    const targets: Array<{ mailboxId: number; folderId: number }> = [];
    for (const mailboxId of new Set(mailboxIds)) {
      const inbox = await this.#store.folders.find(mailboxId, 'INBOX');
      if (!inbox) throw new UserError('NONEXISTENT', `Mailbox ${mailboxId} has no INBOX`);
      targets.push({ mailboxId, folderId: inbox.id });
    }
    const { blobId, size, structure } = await this.#writeBlob(message, options.prefix);
    try {
      options.validate?.(structure);
      const internalDate = new Date();
      const deliveries = (results: Array<{ folderId: number; uid: number }>) =>
        results.map((r, index) => ({ mailboxId: targets[index]!.mailboxId, folderId: r.folderId, uid: r.uid }));
      const results = await this.#store.messages.insert(
        { blobId, size, structure },
        targets.map((t) => ({ folderId: t.folderId, flags: [], internalDate })),
        options.audit && ((delivered) => options.audit!(deliveries(delivered))),
      );
      return deliveries(results);
    } catch (error) {
      await this.#deleteBlobs([blobId]);
      throw error;
    }
  }

  firstUnseenUid(folderId: number): Promise<number | null> {
    return this.#store.messages.firstUnseenUid(folderId);
  }

  countRecent(folderId: number): Promise<number> {
    return this.#store.folders.countRecent(folderId);
  }

  listUids(folderId: number): Promise<number[]> {
    return this.#store.messages.listUids(folderId);
  }

  async *fetchMeta(folderId: number, ranges: UidRange[]): AsyncIterable<MessageMeta[]> {
    for (const range of normaliseRanges(ranges)) {
      let next = range.start;
      while (next <= range.end) {
        const rows = await this.#store.messages.listRange(folderId, next, range.end, FETCH_CHUNK);
        if (rows.length) yield rows;
        if (rows.length < FETCH_CHUNK) break;
        next = rows[rows.length - 1]!.uid + 1;
      }
    }
  }

  async getStructure(bodyId: number): Promise<MessageStructure> {
    return (await this.#body(bodyId)).structure;
  }

  readBody(bodyId: number, range?: { start: number; end: number }): Promise<Buffer> {
    return this.#fromBlob(bodyId, (blobId) => this.#blobs.read(blobId, range));
  }

  openBody(bodyId: number, range?: { start: number; end: number }): Promise<Readable> {
    return this.#fromBlob(bodyId, (blobId) => this.#blobs.open(blobId, range));
  }

  /** Runs a blob read; a blob that is gone means another session expunged the message after this
   * one listed it (RFC 2180 §4.1), which callers report as NONEXISTENT. */
  async #fromBlob<T>(bodyId: number, read: (blobId: string) => Promise<T>): Promise<T> {
    const { blobId } = await this.#body(bodyId);
    try {
      return await read(blobId);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      this.#bodies.delete(bodyId);
      throw new UserError('NONEXISTENT', 'The message has been deleted');
    }
  }

  async storeFlags(folderId: number, uids: UidRange[], mode: 'add' | 'remove' | 'replace', flags: string[], options: { unchangedSince?: number } = {}) {
    const { changed, highestModseq } = await this.#store.messages.updateFlags(folderId, uids, mode, validateFlags(flags), options.unchangedSince);
    return { changed, highestModseq };
  }

  async copy(sourceFolderId: number, uids: UidRange[], targetFolderId: number) {
    const { uidValidity, mapping } = await this.#store.messages.copy(sourceFolderId, uids, targetFolderId, false);
    return { uidValidity, mapping };
  }

  move(sourceFolderId: number, uids: UidRange[], targetFolderId: number) {
    return this.#store.messages.copy(sourceFolderId, uids, targetFolderId, true);
  }

  async expunge(folderId: number, uids?: UidRange[]): Promise<number[]> {
    const { expunged, releasedBlobs } = await this.#store.messages.remove(folderId, { uids, onlyDeleted: true });
    await this.#deleteBlobs(releasedBlobs);
    return expunged;
  }

  async deleteMessages(folderId: number, uids: number[]): Promise<number[]> {
    if (uids.length === 0) return [];
    const ranges = normaliseRanges(uids.map((uid) => ({ start: uid, end: uid })));
    const { expunged, releasedBlobs } = await this.#store.messages.remove(folderId, { uids: ranges, onlyDeleted: false });
    await this.#deleteBlobs(releasedBlobs);
    return expunged;
  }

  async search(folderId: number, query: SearchKey): Promise<number[]> {
    const found: number[] = [];
    const content = needsContent(query);
    for await (const rows of this.fetchMeta(folderId, searchScope(query))) {
      for (const meta of rows) {
        const matcher = new MessageMatcher({
          meta,
          structure: () => this.getStructure(meta.bodyId),
          bytes: () => this.readBody(meta.bodyId),
        });
        if (await matcher.matches(query)) found.push(meta.uid);
      }
      // Content searches read every message; yield so other sessions are served in between.
      if (content) await new Promise((resolve) => setImmediate(resolve));
    }
    return found;
  }

  changesSince(folderId: number, modseq: number) {
    return this.#store.messages.changesSince(folderId, modseq);
  }

  claimRecent(folderId: number): Promise<number> {
    return this.#store.folders.claimRecent(folderId);
  }

  onChange(listener: (event: ChangeEvent) => void): () => void {
    return this.#store.onChange(listener);
  }

  async #requireFolder(mailboxId: number, name: string): Promise<Folder> {
    const folder = await this.#store.folders.find(mailboxId, name);
    if (!folder) throw new UserError('NONEXISTENT', `Folder "${name}" does not exist`);
    return folder;
  }

  async #body(bodyId: number) {
    const cached = this.#bodies.get(bodyId);
    if (cached) return cached;
    const body = await this.#store.messages.getBody(bodyId);
    if (!body) throw new UserError('NONEXISTENT', 'The message has been deleted');
    if (this.#bodies.size >= STRUCTURE_CACHE_SIZE) this.#bodies.delete(this.#bodies.keys().next().value!);
    const entry = { blobId: body.blobId, structure: body.structure };
    this.#bodies.set(bodyId, entry);
    return entry;
  }

  async #writeBlob(message: MessageSource, prefix?: Buffer) {
    const parser = new StructureParser();
    const chunks = Buffer.isBuffer(message) ? [message] : message;
    async function* parsed() {
      if (prefix?.length) {
        parser.write(prefix);
        yield prefix;
      }
      for await (const chunk of chunks as AsyncIterable<Buffer>) {
        const bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
        parser.write(bytes);
        yield bytes;
      }
    }
    const { id, size } = await this.#blobs.write(parsed(), { maxBytes: this.#maxMessageBytes + (prefix?.length ?? 0) });
    return { blobId: id, size, structure: parser.end() };
  }

  async #deleteBlobs(ids: string[]): Promise<void> {
    for (const id of ids) {
      await this.#blobs.delete(id).catch((error: unknown) => this.#logger.warn({ err: error, blob: id }, 'could not delete blob'));
    }
  }
}

function validateFlags(flags: string[]): string[] {
  for (const flag of flags) {
    if (flag.startsWith('\\')) {
      if (!SYSTEM_FLAG_NAMES.has(flag.toLowerCase()) && flag.toLowerCase() !== '\\recent') {
        throw new UserError('BADINPUT', `Unknown system flag ${flag}`);
      }
    } else if (!KEYWORD.test(flag)) {
      throw new UserError('BADINPUT', `Invalid keyword ${flag}`);
    }
  }
  return flags;
}

/** The UID ranges a query can match at most, so a UID-restricted search reads only those rows. */
function searchScope(query: SearchKey): UidRange[] {
  const all = [{ start: 1, end: Infinity }];
  if (query.type === 'uids') return query.ranges;
  if (query.type === 'and') {
    const restricted = query.keys.find((k) => k.type === 'uids');
    if (restricted?.type === 'uids') return restricted.ranges;
  }
  return all;
}
