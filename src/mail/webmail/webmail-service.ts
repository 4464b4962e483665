// The webmail's server side (issue 5, SPEC R4, R17): one mailbox's folders, message list, search,
// reading, files, flags, moves, deletes, sending and drafts, the compose screen's recipient classes and
// address completion, and the sender's view of Viewer messages. It uses the same services as IMAP and
// SMTP — MailService, SecureSendService, the classifier, the directory — so the browser sees exactly
// what a mail client sees and a webmail send is a submission like any other. Every call names the
// person acting (WebmailContext): the front-end has already checked they may use the mailbox.
import type { Logger } from 'pino';
import type { AuditLog } from '../../audit/audit-log.ts';
import type { DirectoryService } from '../../directory/directory-service.ts';
import type { RecipientClassifier } from '../../directory/classifier.ts';
import type { PolicyService } from '../../policy/policy-service.ts';
import type { SecureSendService } from '../../secure/secure-send.ts';
import type { ViewerMessageService, ViewerStatus } from '../../secure/viewer-messages.ts';
import type { MailService } from '../types.ts';
import { ComposeService } from './compose-service.ts';
import { folderPage, MAX_PAGE, metasOf } from './folder-page.ts';
import { folderSummaries, ownFolder } from './mailbox-folders.ts';
import { MessageActions } from './message-actions.ts';
import { MessageReader } from './message-reader.ts';
import { messageRows } from './message-rows.ts';
import { checkRecipients, completeAddress } from './recipients.ts';
import { parseSearchQuery, type SearchScope } from './search-query.ts';
import { SearchResults } from './search-results.ts';
import type {
  ComposeInput,
  DeleteResult,
  DirectoryMatch,
  DownloadStream,
  DraftSaved,
  DraftView,
  FlagName,
  FolderSummary,
  ListRequest,
  MessagePage,
  MessageView,
  MoveResult,
  RecipientChecks,
  SanitisedHtml,
  SendOutcome,
  WebmailContext,
} from './types.ts';

export interface WebmailServiceOptions {
  mail: MailService;
  secureSend: Pick<SecureSendService, 'send' | 'previewRoutes'>;
  classifier: Pick<RecipientClassifier, 'classify'>;
  policies: Pick<PolicyService, 'get'>;
  directory: Pick<DirectoryService, 'search' | 'baseDn'>;
  viewerMessages: Pick<ViewerMessageService, 'list' | 'status' | 'revoke'>;
  audit: AuditLog;
  logger: Logger;
  /** For Message-IDs of sent mail. */
  hostname: string;
  /** config.limits.maxMessageBytes: the largest message a send, draft or upload may make. */
  maxMessageBytes: number;
}

export class WebmailService {
  readonly #options: WebmailServiceOptions;
  readonly #mail: MailService;
  readonly #reader: MessageReader;
  readonly #actions: MessageActions;
  readonly #compose: ComposeService;
  readonly #searches: SearchResults;

  constructor(options: WebmailServiceOptions) {
    this.#options = options;
    this.#mail = options.mail;
    this.#reader = new MessageReader(options.mail);
    this.#actions = new MessageActions(options.mail, options.audit);
    this.#searches = new SearchResults(options.mail);
    this.#compose = new ComposeService({ ...options, reader: this.#reader });
  }

  get maxMessageBytes(): number {
    return this.#options.maxMessageBytes;
  }

  folders(context: WebmailContext): Promise<FolderSummary[]> {
    return folderSummaries(this.#mail, context.mailbox.id);
  }

  /** A page of a folder in arrival order, newest first unless asked otherwise. */
  async list(context: WebmailContext, folderId: number, request: ListRequest): Promise<MessagePage> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    const page = await folderPage(this.#mail, folder, request);
    return {
      folderId: folder.id,
      total: folder.messages,
      offset: page.offset,
      rows: await messageRows(this.#mail, page.metas),
      nextAfter: page.nextAfter,
      uidValidity: folder.uidValidity,
    };
  }

  /** The store search IMAP SEARCH uses; matches newest first (or oldest), one page at a time. */
  async search(
    context: WebmailContext,
    folderId: number,
    request: { query: string; scope?: SearchScope; limit: number; offset?: number; after?: number; order?: ListRequest['order'] },
  ): Promise<MessagePage> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    const key = parseSearchQuery(request.query, request.scope);
    const matches = await this.#searches.uids(folder, key);
    const newest = (request.order ?? 'newest') === 'newest';
    const ordered = newest ? [...matches].reverse() : matches;
    // `after` continues behind a UID in the list's order, even if that message has gone meanwhile.
    const start =
      request.after !== undefined
        ? ordered.findIndex((uid) => (newest ? uid < request.after! : uid > request.after!))
        : Math.max(0, Math.trunc(request.offset ?? 0));
    const from = start < 0 ? ordered.length : start;
    const limit = Math.min(Math.max(Math.trunc(request.limit) || 1, 1), MAX_PAGE);
    const uids = ordered.slice(from, from + limit);
    const rows = await messageRows(this.#mail, await metasOf(this.#mail, folder.id, uids));
    const more = from + limit < ordered.length;
    return {
      folderId: folder.id,
      total: matches.length,
      offset: request.after === undefined ? from : null,
      rows,
      nextAfter: more && uids.length ? uids.at(-1)! : null,
      uidValidity: folder.uidValidity,
    };
  }

  /** Opens a message: marks it \Seen unless `peek`, and logs the opening (SPEC R22). */
  async read(context: WebmailContext, folderId: number, uid: number, options: { peek?: boolean } = {}): Promise<MessageView> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    const message = await this.#reader.locate(folder, uid);
    const view = await this.#reader.view(message);
    if (!options.peek && !view.flags.includes('\\Seen')) {
      const { changed } = await this.#mail.storeFlags(folder.id, [{ start: uid, end: uid }], 'add', ['\\Seen']);
      view.flags = changed[0]?.flags ?? [...view.flags, '\\Seen'];
    }
    await this.#options.audit.record({
      actor: context.actor,
      action: 'message.open',
      mailboxId: context.mailbox.id,
      remoteAddress: context.remoteAddress,
      detail: { via: 'webmail', folder: folder.name, uid, messageId: view.messageId },
    });
    return view;
  }

  /** The sanitised HTML body for the sandboxed frame; `cidUrl` names an inline part's download URL. */
  async html(
    context: WebmailContext,
    folderId: number,
    uid: number,
    options: { allowRemoteImages: boolean; cidUrl: (part: string) => string },
  ): Promise<SanitisedHtml | null> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    return this.#reader.html(await this.#reader.locate(folder, uid), options);
  }

  async attachment(context: WebmailContext, folderId: number, uid: number, part: string): Promise<DownloadStream> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    return this.#reader.attachment(await this.#reader.locate(folder, uid), part);
  }

  /** The message as stored (.eml), e.g. to keep or to forward as a file. */
  async raw(context: WebmailContext, folderId: number, uid: number): Promise<DownloadStream> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    const download = await this.#reader.raw(await this.#reader.locate(folder, uid));
    await this.#options.audit.record({
      actor: context.actor,
      action: 'message.download',
      mailboxId: context.mailbox.id,
      remoteAddress: context.remoteAddress,
      detail: { via: 'webmail', folder: folder.name, uid },
    });
    return download;
  }

  async setFlags(
    context: WebmailContext,
    folderId: number,
    uids: readonly number[],
    change: { add?: FlagName[]; remove?: FlagName[] },
  ): Promise<Array<{ uid: number; flags: string[] }>> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    return this.#actions.setFlags(folder, uids, change);
  }

  async move(context: WebmailContext, folderId: number, uids: readonly number[], targetFolderId: number): Promise<MoveResult> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    return this.#actions.move(context, folder, uids, targetFolderId);
  }

  /** To Trash (undo: move the new UIDs back), or for good when in Trash already. */
  async delete(context: WebmailContext, folderId: number, uids: readonly number[]): Promise<DeleteResult> {
    const folder = await ownFolder(this.#mail, context.mailbox.id, folderId);
    return this.#actions.delete(context, folder, uids);
  }

  send(context: WebmailContext, input: ComposeInput): Promise<SendOutcome> {
    return this.#compose.send(context, input);
  }

  saveDraft(context: WebmailContext, input: ComposeInput): Promise<DraftSaved> {
    return this.#compose.saveDraft(context, input);
  }

  openDraft(context: WebmailContext, uid: number): Promise<DraftView> {
    return this.#compose.openDraft(context, uid);
  }

  checkRecipients(context: WebmailContext, addresses: readonly string[], secure: { requested: boolean; mobiles?: Record<string, string> }): Promise<RecipientChecks> {
    return checkRecipients(this.#options, context.mailbox, addresses, secure);
  }

  completeAddress(_context: WebmailContext, query: string): Promise<DirectoryMatch[]> {
    return completeAddress(this.#options.directory, query);
  }

  viewerMessages(context: WebmailContext, options: { limit?: number; beforeId?: number }): Promise<ViewerStatus[]> {
    return this.#options.viewerMessages.list(context.mailbox, options);
  }

  viewerMessage(context: WebmailContext, id: number): Promise<ViewerStatus> {
    return this.#options.viewerMessages.status(context.mailbox, id);
  }

  /** SPEC R15: the sender withdraws a Viewer message; logged by the Viewer service with the person. */
  revokeViewerMessage(context: WebmailContext, id: number): Promise<ViewerStatus> {
    return this.#options.viewerMessages.revoke(context.mailbox, id, { remoteAddress: context.remoteAddress, actor: context.actor });
  }
}
