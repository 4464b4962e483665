// The webmail service's results as the API sends them (wire.ts): dates as ISO strings, and each object
// built field by field, so nothing a future service adds reaches the browser unless it is put here.
import type { Mailbox } from '../../identity/types.ts';
import type { ViewerStatus } from '../../secure/viewer-messages.ts';
import type {
  AttachmentSummary,
  DraftView,
  MessagePage,
  MessageRow,
  MessageView,
  RecipientChecks,
  SendOutcome,
} from '../../mail/webmail/types.ts';
import type {
  AttachmentJson,
  DraftJson,
  MailboxJson,
  MessageJson,
  MessagePageJson,
  MessageRowJson,
  RecipientChecksJson,
  SentJson,
  ViewerStatusJson,
} from './wire.ts';

export function mailboxJson(mailbox: Mailbox, maxMessageBytes: number): MailboxJson {
  return { id: mailbox.id, address: mailbox.address, displayName: mailbox.displayName, klantnummer: mailbox.klantnummer, maxMessageBytes };
}

export function rowJson(row: MessageRow): MessageRowJson {
  return {
    uid: row.uid,
    flags: row.flags,
    size: row.size,
    date: row.date.toISOString(),
    receivedAt: row.receivedAt.toISOString(),
    from: row.from && { name: row.from.name, address: row.from.address },
    to: row.to.map((a) => ({ name: a.name, address: a.address })),
    subject: row.subject,
    hasAttachments: row.hasAttachments,
    messageId: row.messageId,
    inReplyTo: row.inReplyTo,
  };
}

export function pageJson(page: MessagePage): MessagePageJson {
  return {
    folderId: page.folderId,
    total: page.total,
    offset: page.offset,
    rows: page.rows.map(rowJson),
    nextAfter: page.nextAfter,
    uidValidity: page.uidValidity,
  };
}

export function attachmentJson(a: AttachmentSummary): AttachmentJson {
  return { part: a.part, filename: a.filename, contentType: a.contentType, size: a.size, inline: a.inline, contentId: a.contentId };
}

export function messageJson(view: MessageView): MessageJson {
  const addresses = (list: MessageView['cc']) => list.map((a) => ({ name: a.name, address: a.address }));
  return {
    ...rowJson(view),
    folderId: view.folderId,
    cc: addresses(view.cc),
    bcc: addresses(view.bcc),
    replyTo: addresses(view.replyTo),
    references: view.references,
    text: view.text,
    textTruncated: view.textTruncated,
    hasHtml: view.hasHtml,
    remoteImages: view.remoteImages,
    attachments: view.attachments.map(attachmentJson),
  };
}

export function sentJson(outcome: SendOutcome): SentJson {
  return {
    messageId: outcome.messageId,
    queueId: outcome.queueId,
    routes: outcome.routes.map((r) => ({ recipient: r.recipient, route: r.route, ...(r.channel ? { channel: r.channel } : {}), reason: r.reason })),
    sent: outcome.sent && { folderId: outcome.sent.folderId, uid: outcome.sent.uid },
  };
}

export function draftJson(draft: DraftView): DraftJson {
  const addresses = (list: DraftView['to']) => list.map((a) => ({ name: a.name, address: a.address }));
  return {
    folderId: draft.folderId,
    uid: draft.uid,
    to: addresses(draft.to),
    cc: addresses(draft.cc),
    bcc: addresses(draft.bcc),
    subject: draft.subject,
    text: draft.text,
    html: draft.html,
    inReplyTo: draft.inReplyTo,
    references: draft.references,
    attachments: draft.attachments.map(attachmentJson),
    secure: { requested: draft.secure.requested, mobiles: { ...draft.secure.mobiles } },
  };
}

export function recipientChecksJson(checks: RecipientChecks): RecipientChecksJson {
  return {
    installType: checks.installType,
    mobile: checks.mobile,
    secureAvailable: checks.secureAvailable,
    secureByDefault: checks.secureByDefault,
    alwaysSecure: checks.alwaysSecure,
    recipients: checks.recipients.map((r) => ({ address: r.address, class: r.class, route: r.route, channel: r.channel, reason: r.reason, refused: r.refused })),
  };
}

export function viewerStatusJson(s: ViewerStatus): ViewerStatusJson {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id: s.id,
    messageId: s.messageId,
    recipient: s.recipient,
    subject: s.subject,
    channel: s.channel,
    maskedMobile: s.maskedMobile,
    state: s.state,
    createdAt: s.createdAt.toISOString(),
    expiresAt: s.expiresAt.toISOString(),
    notifiedAt: iso(s.notifiedAt),
    codeSentAt: iso(s.codeSentAt),
    codeDeliveredAt: iso(s.codeDeliveredAt),
    codeFailedAt: iso(s.codeFailedAt),
    openedAt: iso(s.openedAt),
    repliedAt: iso(s.repliedAt),
    revokedAt: iso(s.revokedAt),
    expiredAt: iso(s.expiredAt),
    lockedUntil: iso(s.lockedUntil),
  };
}
