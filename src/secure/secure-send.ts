// The one secure-send service (SPEC R13, R14, R16, R17): every submission passes here, whichever way
// secure sending was asked for — a trigger in the subject, our request header (webmail, add-in), the
// API, or the organisation's policy. The classifier decides per recipient; the install type decides
// what an external recipient gets; nothing is acknowledged before every part is durable.
import { randomBytes, randomUUID } from 'node:crypto';
import type { Mailbox } from '../identity/types.ts';
import type { AuditEntry, Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { MessageSource } from '../mail/types.ts';
import type { OutboundMail } from '../mail/outbound.ts';
import { checkFromFields, traceHeaders, type SubmissionService, type SubmissionTrace } from '../mail/submission.ts';
import type { RecipientClassifier } from '../directory/classifier.ts';
import type { PolicyService } from '../policy/policy-service.ts';
import { unsafeSendRule, type OrganisationPolicy } from '../policy/organisation-policy.ts';
import { firstField } from '../mail/mime/header-fields.ts';
import { UserError } from '../errors.ts';
import { decodeHeaderValue, rewriteHeader, splitHeader } from './outgoing-header.ts';
import { findTrigger } from './trigger.ts';
import { normaliseMobile } from './phone.ts';
import type { CodeChannel } from './types.ts';
import type { ViewerMessageService, ViewerRecipient } from './viewer-messages.ts';
import { languageFromSetting } from './viewer-context.ts';

/** Our request headers: `X-Zorgpost-Secure: viewer` asks for secure sending; `X-Zorgpost-Mobile:
 * <address> <number>` (repeatable) gives a recipient's mobile number. Never passed on. */
export const SECURE_HEADER = 'x-zorgpost-secure';
export const MOBILE_HEADER = 'x-zorgpost-mobile';

export type Route = 'inside' | 'community-partner' | 'viewer' | 'ordinary';

export interface RecipientRoute {
  recipient: string;
  route: Route;
  channel?: CodeChannel;
  /** Why this route, in words a sender understands (SPEC R30: "the sender is shown why"). */
  reason: string;
}

export interface SendRequest {
  sender: Mailbox;
  mailFrom: string;
  recipients: readonly string[];
  message: MessageSource;
  trace: SubmissionTrace;
  /** Way 2, the API: secure sending asked for explicitly, with mobile numbers per recipient. */
  secure?: { requested: boolean; mobiles?: Record<string, string> };
}

export interface SendResult {
  queueId: string;
  messageId: string | null;
  routes: RecipientRoute[];
}

interface Plan {
  hosted: Array<{ address: string; mailbox: Mailbox }>;
  viewer: ViewerRecipient[];
  outbound: Array<{ address: string; route: 'community-partner' | 'ordinary' }>;
  routes: RecipientRoute[];
  refusals: string[];
}

export class SecureSendService {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #classifier: RecipientClassifier;
  readonly #policies: PolicyService;
  readonly #submission: SubmissionService;
  readonly #viewer: ViewerMessageService;
  readonly #outbound: OutboundMail;
  readonly #hostname: string;
  readonly #maxMessageBytes: number;

  constructor(options: {
    store: Store;
    audit: AuditLog;
    classifier: RecipientClassifier;
    policies: PolicyService;
    submission: SubmissionService;
    viewer: ViewerMessageService;
    outbound: OutboundMail;
    hostname: string;
    maxMessageBytes: number;
  }) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#classifier = options.classifier;
    this.#policies = options.policies;
    this.#submission = options.submission;
    this.#viewer = options.viewer;
    this.#outbound = options.outbound;
    this.#hostname = options.hostname;
    this.#maxMessageBytes = options.maxMessageBytes;
  }

  /** At RCPT time: a hosted domain's unknown mailbox is refused at once; anything else waits for
   * the message, because the subject (a trigger) decides what an external recipient gets. */
  async checkRecipient(address: string): Promise<string> {
    const normalised = address.trim().toLowerCase();
    const at = normalised.lastIndexOf('@');
    if (at <= 0 || at === normalised.length - 1) throw new UserError('BADINPUT', `<${address}> is not an e-mail address`);
    if (await this.#store.accounts.findMailbox({ address: normalised })) return normalised;
    if (await this.#store.accounts.findOrganisation({ domain: normalised.slice(at + 1) })) {
      throw new UserError('NONEXISTENT', `No mailbox <${address}> on this server`);
    }
    return normalised;
  }

  /** A dry run of the routing decision for a compose screen (webmail, add-in): per recipient the route
   * a send with these choices would take, or the refusal it would get, in the same words. Nothing is
   * stored, sent or logged. A malformed address gets its refusal too, it does not fail the others. */
  async previewRoutes(
    sender: Mailbox,
    recipients: readonly string[],
    secure?: SendRequest['secure'],
  ): Promise<Array<{ recipient: string; route: RecipientRoute | null; refusal: string | null }>> {
    const policy = await this.#policies.get(sender.orgId);
    const mobiles = lowerKeys(secure?.mobiles ?? {});
    const results: Array<{ recipient: string; route: RecipientRoute | null; refusal: string | null }> = [];
    for (const recipient of recipients) {
      const request: SendRequest = { sender, mailFrom: sender.address, recipients: [recipient], message: Buffer.alloc(0), trace: PREVIEW_TRACE };
      try {
        // One recipient at a time, so each refusal belongs to its own recipient.
        const plan = await this.#plan(request, policy, Boolean(secure?.requested), null, mobiles);
        results.push({ recipient: recipient.trim().toLowerCase(), route: plan.routes[0] ?? null, refusal: plan.refusals[0] ?? null });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        results.push({ recipient: recipient.trim().toLowerCase(), route: null, refusal: error.message });
      }
    }
    return results;
  }

  async send(request: SendRequest): Promise<SendResult> {
    const { sender } = request;
    const queueId = randomBytes(8).toString('hex').toUpperCase();
    const split = await splitHeader(request.message);
    let plan: Plan | null = null;
    // The submission service logs its own failures; they are not logged twice.
    let delivering = false;
    try {
      checkFromFields(sender, split.fields);
      const organisation = await this.#store.accounts.findOrganisation({ id: sender.orgId });
      if (!organisation) throw new Error(`mailbox ${sender.id} has no organisation`);
      const policy = await this.#policies.get(sender.orgId);
      const subject = decodeHeaderValue(firstField(split.fields, 'subject') ?? '');
      const trigger = findTrigger(subject, policy.triggers);
      const headerSecure = /^\s*(viewer|secure|yes|1)\s*$/i.test(firstField(split.fields, SECURE_HEADER) ?? '');
      const requested = Boolean(request.secure?.requested || headerSecure || trigger);
      const via = request.secure?.requested ? 'api' : headerSecure ? 'header' : trigger ? 'trigger' : 'policy';
      const mobiles = { ...mobileHeaders(split.fields), ...lowerKeys(request.secure?.mobiles ?? {}) };
      plan = await this.#plan(request, policy, requested, trigger?.mobile ?? null, mobiles);
      if (plan.refusals.length) throw new UserError('NOPERM', refusalText(plan.refusals));

      // Our request headers and the trigger go; every other byte stays as the client sent it.
      const ours = split.fields.some((f) => f.name === SECURE_HEADER || f.name === MOBILE_HEADER);
      const header = ours || trigger ? rewriteHeader(split.header, { remove: new Set([SECURE_HEADER, MOBILE_HEADER]), subject: trigger?.subject }) : split.header;
      const messageIdField = firstField(split.fields, 'message-id');
      const messageId = messageIdField ?? `<${randomUUID()}@${this.#hostname}>`;
      // SPEC R22 "every send attempt": hosted deliveries are recorded by the submission service;
      // the routing decision is recorded whenever a recipient went another way.
      const sendRecord: AuditEntry | null =
        plan.hosted.length === 0 || plan.routes.some((r) => r.route !== 'inside')
          ? {
              actor: sender.address,
              action: plan.hosted.length === 0 ? 'message.submit' : 'message.route',
              mailboxId: sender.id,
              remoteAddress: request.trace.remoteAddress,
              detail: { queueId, messageId, via: requested ? via : null, routes: plan.routes },
            }
          : null;
      // A send only to Viewer recipients commits its record with the Viewer's last step.
      const viewerOnly = plan.hosted.length === 0 && plan.outbound.length === 0;

      if (plan.viewer.length === 0 && plan.outbound.length === 0) {
        // Only mailboxes here: the message streams straight into the store.
        delivering = true;
        await this.#submission.submit({ ...submission(request, plan), message: prepend(header, split.body), queueId });
      } else {
        const raw = await collect(header, split.body, this.#maxMessageBytes);
        if (plan.viewer.length) {
          await this.#viewer.create({
            sender,
            organisation,
            submissionId: queueId,
            // RFC 6409 §8.3: a missing Message-ID may be added; the recipient's reply threads on it.
            raw: messageIdField ? raw : Buffer.concat([Buffer.from(`Message-ID: ${messageId}\r\n`), raw]),
            subject: trigger ? trigger.subject : subject,
            messageId,
            recipients: plan.viewer,
            retentionDays: policy.retentionDays,
            language: languageFromSetting(policy.languageSetting),
            remoteAddress: request.trace.remoteAddress,
            via,
          }, viewerOnly && sendRecord ? [sendRecord] : []);
        }
        for (const route of ['community-partner', 'ordinary'] as const) {
          const recipients = plan.outbound.filter((o) => o.route === route).map((o) => o.address);
          if (!recipients.length) continue;
          const prefix = traceHeaders(this.#hostname, request.trace, request.mailFrom, recipients, queueId);
          await this.#outbound.send({ mailFrom: request.mailFrom, recipients, kind: route }, Buffer.concat([prefix, raw]));
        }
        if (plan.hosted.length) {
          delivering = true;
          await this.#submission.submit({ ...submission(request, plan), message: raw, queueId });
        }
      }
      if (sendRecord && !viewerOnly) await this.#audit.record(sendRecord);
      const unsafe = plan.routes.filter((r) => r.route === 'ordinary');
      if (unsafe.length) {
        await this.#audit.record({
          actor: sender.address,
          action: policy.disableSecurityByDefault ? 'secure.unsafe-send.security-by-default-disabled' : 'secure.unsafe-send',
          mailboxId: sender.id,
          remoteAddress: request.trace.remoteAddress,
          detail: { queueId, messageId, recipients: unsafe.map((r) => r.recipient), installType: policy.installType },
        });
      }
      return { queueId, messageId, routes: plan.routes };
    } catch (error) {
      await split.discard();
      if (delivering) throw error;
      await this.#audit.record({
        actor: sender.address,
        action: 'message.submit.failure',
        mailboxId: sender.id,
        remoteAddress: request.trace.remoteAddress,
        detail: { queueId, recipients: [...request.recipients], reason: (error as Error).message, routes: plan?.routes ?? null },
      });
      throw error;
    }
  }

  async #plan(
    request: SendRequest,
    policy: OrganisationPolicy,
    requested: boolean,
    triggerMobile: string | null,
    mobiles: Record<string, string>,
  ): Promise<Plan> {
    const plan: Plan = { hosted: [], viewer: [], outbound: [], routes: [], refusals: [] };
    const recipients = [...new Set(request.recipients.map((r) => r.trim().toLowerCase()))];
    const classes = await this.#classifier.classifyMany(request.sender.address, recipients);
    const external = recipients.filter((_, i) => classes[i]!.class === 'external');
    const rule = unsafeSendRule(policy);
    const triggerSyntax = `put ${policy.triggers.map((t) => `[${t}]`).join(' or ')} in the subject (with a mobile number for an SMS code: [${policy.triggers[0]} 0612345678])`;
    if (triggerMobile && external.length > 1) {
      plan.refusals.push(`A subject trigger carries one mobile number, but the message has ${external.length} recipients outside the community (${external.join(', ')}); send it to each of them separately.`);
    }
    for (const [i, address] of recipients.entries()) {
      const classification = classes[i]!;
      if (classification.class === 'community') {
        if (classification.reason === 'hosted') {
          const mailbox = await this.#store.accounts.findMailbox({ address });
          if (!mailbox) {
            plan.refusals.push(`No mailbox <${address}> on this server.`);
            continue;
          }
          plan.hosted.push({ address, mailbox });
          plan.routes.push({ recipient: address, route: 'inside', reason: 'hosted on this platform' });
        } else {
          plan.outbound.push({ address, route: 'community-partner' });
          plan.routes.push({ recipient: address, route: 'community-partner', reason: `community partner in domain book ${classification.book ?? ''}`.trim() });
        }
        continue;
      }
      // SPEC R31: someone who wrote through the patient page gets the practice's answers securely.
      const contact = await this.#store.patientChannel.findContact(request.sender.orgId, address);
      if (!requested && rule !== 'viewer' && !contact) {
        if (rule === 'refuse') {
          plan.refusals.push(`<${address}> is outside the healthcare community and your organisation requires secure sending: ${triggerSyntax}.`);
        } else {
          plan.outbound.push({ address, route: 'ordinary' });
          plan.routes.push({
            recipient: address,
            route: 'ordinary',
            reason: policy.installType === 'standaard' ? 'external; install type standaard has no Viewer' : 'external; security by default is disabled (DisableSecurityByDefault)',
          });
        }
        continue;
      }
      if (policy.installType === 'standaard') {
        plan.refusals.push(`<${address}>: your organisation's install type (standaard) does not include secure sending through the Viewer.`);
        continue;
      }
      const typed = mobiles[address] ?? (external.length === 1 ? triggerMobile : null) ?? contact?.mobile ?? null;
      let mobile: { e164: string; dutch: boolean } | null = null;
      if (typed) {
        try {
          mobile = normaliseMobile(typed);
        } catch (error) {
          plan.refusals.push(`<${address}>: ${(error as Error).message}.`);
          continue;
        }
      }
      // SPEC R14: 06-verplicht sends every access code by SMS to a Dutch mobile number.
      if (policy.installType === 'viewer-06-verplicht' && (!mobile || !mobile.dutch)) {
        plan.refusals.push(
          mobile
            ? `<${address}>: your organisation requires a Dutch mobile number (06…) for the SMS access code; ${typed} is not one.`
            : `<${address}>: your organisation requires the recipient's Dutch mobile number for the SMS access code: put [${policy.triggers[0]} 06xxxxxxxx] in the subject.`,
        );
        continue;
      }
      const channel: CodeChannel = mobile ? 'sms' : 'email';
      plan.viewer.push({ address, channel, mobile: mobile?.e164 ?? null });
      plan.routes.push({
        recipient: address,
        route: 'viewer',
        channel,
        reason: requested
          ? `external; secure sending requested, access code by ${channel === 'sms' ? 'SMS' : 'e-mail'}`
          : contact
            ? 'external; verified through the patient page, so answers go through the Viewer'
            : 'external; AutomaticallyOverrideSend sends every external message through the Viewer',
      });
    }
    return plan;
  }
}

/** The trace of a dry run: never written anywhere. */
const PREVIEW_TRACE: SubmissionTrace = { heloName: 'preview', remoteAddress: '', clientHostname: null, protocol: 'none', tls: null };

/** RFC 5321 §4.5.3.1.5: a reply line is at most 512 octets, so a long list is summarised. */
function refusalText(refusals: readonly string[]): string {
  const all = refusals.join(' ');
  if (all.length <= 440) return all;
  const first = refusals[0]!.length > 400 ? `${refusals[0]!.slice(0, 397)}...` : refusals[0]!;
  return refusals.length > 1 ? `${first} (and ${refusals.length - 1} more refused recipients)` : first;
}

function submission(request: SendRequest, plan: Plan) {
  return { sender: request.sender, mailFrom: request.mailFrom, recipients: plan.hosted.map((h) => h.mailbox), trace: request.trace };
}

function mobileHeaders(fields: ReadonlyArray<{ name: string; value: string }>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const field of fields) {
    if (field.name !== MOBILE_HEADER) continue;
    const match = /^\s*<?([^\s<>]+@[^\s<>]+?)>?\s+(.+?)\s*$/.exec(field.value);
    if (match) result[match[1]!.toLowerCase()] = match[2]!;
  }
  return result;
}

function lowerKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).map(([k, v]) => [k.trim().toLowerCase(), v]));
}

async function* prepend(first: Buffer, rest: AsyncIterable<Buffer>): AsyncIterable<Buffer> {
  yield first;
  yield* rest;
}

async function collect(header: Buffer, body: AsyncIterable<Buffer>, maxBytes: number): Promise<Buffer> {
  const chunks = [header];
  let size = header.length;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      throw new UserError('TOOBIG', `The message is larger than the limit of ${maxBytes} bytes`);
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, size);
}
