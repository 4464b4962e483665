// The e-mails around a Viewer message: the notification (SPEC R15/R25: from the sender
// organisation's domain, no medical content, exactly one link), the access code by e-mail, and the
// recipient's reply as it lands in the sender's INBOX (threaded under the original).
import MailComposer from 'nodemailer/lib/mail-composer';
import type { ViewerLanguage } from './types.ts';

export interface NotificationInput {
  language: ViewerLanguage;
  organisation: { name: string; domain: string };
  senderName: string;
  recipient: string;
  link: string;
  expiresAt: Date;
  channel: 'sms' | 'email';
}

const NOTIFICATION_TEXT: Record<ViewerLanguage, (i: NotificationInput, expires: string) => { subject: string; body: string }> = {
  nl: (i, expires) => ({
    subject: `Beveiligd bericht van ${i.organisation.name}`,
    body:
      `${i.senderName} (${i.organisation.name}) heeft u een beveiligd bericht gestuurd.\n\n` +
      `Open het bericht via deze link:\n${i.link}\n\n` +
      `Om het bericht te openen vraagt u op die pagina een toegangscode aan; u ontvangt deze ${i.channel === 'sms' ? 'per sms' : 'per e-mail'}.\n` +
      `Het bericht is beschikbaar tot ${expires}.\n\n` +
      `Dit is een automatisch bericht; antwoorden op deze e-mail worden niet gelezen. U kunt veilig antwoorden vanuit het bericht zelf.`,
  }),
  en: (i, expires) => ({
    subject: `Secure message from ${i.organisation.name}`,
    body:
      `${i.senderName} (${i.organisation.name}) has sent you a secure message.\n\n` +
      `Open the message with this link:\n${i.link}\n\n` +
      `To open it, request an access code on that page; you will receive it ${i.channel === 'sms' ? 'by text message' : 'by e-mail'}.\n` +
      `The message is available until ${expires}.\n\n` +
      `This is an automated message; replies to this e-mail are not read. You can reply securely from the message itself.`,
  }),
  de: (i, expires) => ({
    subject: `Sichere Nachricht von ${i.organisation.name}`,
    body:
      `${i.senderName} (${i.organisation.name}) hat Ihnen eine sichere Nachricht gesendet.\n\n` +
      `Öffnen Sie die Nachricht über diesen Link:\n${i.link}\n\n` +
      `Fordern Sie auf dieser Seite einen Zugangscode an; Sie erhalten ihn ${i.channel === 'sms' ? 'per SMS' : 'per E-Mail'}.\n` +
      `Die Nachricht ist verfügbar bis ${expires}.\n\n` +
      `Dies ist eine automatische Nachricht; Antworten auf diese E-Mail werden nicht gelesen. Sie können sicher aus der Nachricht heraus antworten.`,
  }),
};

const LOCALES: Record<ViewerLanguage, string> = { nl: 'nl-NL', en: 'en-GB', de: 'de-DE' };

/** Built once per language: creating an Intl formatter costs far more than using one. */
const DATE_FORMATS = new Map<ViewerLanguage, Intl.DateTimeFormat>();

export function formatDate(date: Date, language: ViewerLanguage): string {
  let format = DATE_FORMATS.get(language);
  if (!format) {
    format = new Intl.DateTimeFormat(LOCALES[language], { dateStyle: 'long', timeStyle: 'short', timeZone: 'Europe/Amsterdam' });
    DATE_FORMATS.set(language, format);
  }
  return format.format(date);
}

/** The address notifications and codes come from: the organisation's own domain (DKIM-aligned
 * once outbound signing exists), never the sender's mailbox, so replies do not leak content. */
export function noReplyAddress(domain: string): string {
  return `no-reply@${domain}`;
}

export async function composeNotification(input: NotificationInput): Promise<Buffer> {
  const text = NOTIFICATION_TEXT[input.language](input, formatDate(input.expiresAt, input.language));
  return composeAutomatic(input.organisation, input.recipient, text);
}

/** RFC 3834 §5: mail a machine sends in its own right is marked so that nobody auto-replies to it. */
function composeAutomatic(organisation: { name: string; domain: string }, recipient: string, text: { subject: string; body: string }): Promise<Buffer> {
  return new MailComposer({
    from: { name: organisation.name, address: noReplyAddress(organisation.domain) },
    to: recipient,
    subject: text.subject,
    text: text.body,
    headers: { 'Auto-Submitted': 'auto-generated', 'X-Auto-Response-Suppress': 'All' },
  })
    .compile()
    .build();
}

const CODE_TEXT: Record<ViewerLanguage, (code: string, minutes: number, org: string) => { subject: string; body: string }> = {
  nl: (code, minutes, org) => ({
    subject: `Uw toegangscode voor het beveiligde bericht van ${org}`,
    body: `Uw toegangscode is: ${code}\n\nDeze code is ${minutes} minuten geldig en werkt één keer. Deel de code met niemand.`,
  }),
  en: (code, minutes, org) => ({
    subject: `Your access code for the secure message from ${org}`,
    body: `Your access code is: ${code}\n\nIt is valid for ${minutes} minutes and works once. Do not share it with anyone.`,
  }),
  de: (code, minutes, org) => ({
    subject: `Ihr Zugangscode für die sichere Nachricht von ${org}`,
    body: `Ihr Zugangscode lautet: ${code}\n\nEr ist ${minutes} Minuten gültig und funktioniert einmal. Geben Sie ihn niemandem weiter.`,
  }),
};

export function codeSmsText(language: ViewerLanguage, code: string, minutes: number, org: string): string {
  return CODE_TEXT[language](code, minutes, org).body.split('\n')[0]! + ` (${minutes} min)`;
}

export async function composeCodeMail(input: {
  language: ViewerLanguage;
  organisation: { name: string; domain: string };
  recipient: string;
  code: string;
  minutes: number;
}): Promise<Buffer> {
  return composeAutomatic(input.organisation, input.recipient, CODE_TEXT[input.language](input.code, input.minutes, input.organisation.name));
}

export interface ReplyInput {
  from: string;
  to: { name: string; address: string };
  subject: string;
  inReplyTo: string | null;
  references: string[];
  text: string;
  attachments: Array<{ filename: string; contentType: string; content: Buffer }>;
  messageIdDomain: string;
}

/** The recipient's reply as a normal message for the sender's INBOX (RFC 5322 §3.6.4 threading). */
export async function composeReply(input: ReplyInput): Promise<Buffer> {
  const subject = /^\s*(re|antw|aw)\s*:/i.test(input.subject) ? input.subject : `Re: ${input.subject}`;
  const references = [...input.references, ...(input.inReplyTo ? [input.inReplyTo] : [])];
  return new MailComposer({
    from: { name: `${input.from} (via Zorgpost Viewer)`, address: input.from },
    to: input.to,
    subject,
    text: input.text,
    inReplyTo: input.inReplyTo ?? undefined,
    references: references.length ? [...new Set(references)] : undefined,
    attachments: input.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, content: a.content })),
    messageId: `<${crypto.randomUUID()}@${input.messageIdDomain}>`,
    headers: { 'X-Zorgpost-Viewer-Reply': 'yes' },
  })
    .compile()
    .build();
}
