// Linking mailboxes to Passage IDs (SPEC R2, R3, R4, R24): the operator issues activation data (the
// klantnummer and a one-time code), the person enters it in the portal, and from then on the link
// is what lets them at the mailbox — in the webmail, the portal and for a new Hosted Mail Key.
import type { Store } from '../store/store.ts';
import type { AuditLog } from '../audit/audit-log.ts';
import type { ContentSealer } from '../secure/content-sealing.ts';
import { UserError } from '../errors.ts';
import type { Mailbox } from './types.ts';
import type { Actor, IdentityService } from './identity-service.ts';
import { LoginThrottle, type ThrottleLimits } from './login-throttle.ts';
import { normaliseAddress } from './authenticator.ts';
import type { ClientContext, LinkedMailbox, MailboxActivation, PassageAccount } from './passage-types.ts';
import { canonicalActivationCode, generateActivationCode } from './passage-secrets.ts';
import { actorOf, passageActor, pause, tooManyAttempts } from './passage-common.ts';

export const ACTIVATION_VALID_MS = 30 * 24 * 60 * 60_000;

export interface PassageMailboxesOptions {
  store: Store;
  audit: AuditLog;
  identity: IdentityService;
  sealer: ContentSealer;
  limits: ThrottleLimits & { failureDelayMs?: number };
  now: () => Date;
}

export class PassageMailboxes {
  readonly #store: Store;
  readonly #audit: AuditLog;
  readonly #identity: IdentityService;
  readonly #sealer: ContentSealer;
  readonly #now: () => Date;
  readonly #failureDelayMs: number;
  /** Wrong activation data, per account and per source address. */
  readonly #throttle: LoginThrottle;

  constructor(options: PassageMailboxesOptions) {
    this.#store = options.store;
    this.#audit = options.audit;
    this.#identity = options.identity;
    this.#sealer = options.sealer;
    this.#now = options.now;
    this.#failureDelayMs = options.limits.failureDelayMs ?? 0;
    this.#throttle = new LoginThrottle(options.limits);
  }

  /** New activation data for a mailbox: its klantnummer and a one-time code, replacing any earlier
   * unused code. The code is shown only here. */
  async issueActivation(mailbox: Mailbox, by: Actor): Promise<MailboxActivation> {
    const code = generateActivationCode();
    const createdAt = this.#now();
    const expiresAt = new Date(createdAt.getTime() + ACTIVATION_VALID_MS);
    await this.#store.mailboxLinks.insertActivation(
      {
        mailboxId: mailbox.id,
        codeHash: this.#hash(canonicalActivationCode(code)!),
        createdAt,
        expiresAt,
      },
      {
        ...actorOf(by),
        action: 'mailbox.activation.issue',
        mailboxId: mailbox.id,
        detail: { klantnummer: mailbox.klantnummer, expiresAt: expiresAt.toISOString() },
      },
    );
    return { klantnummer: mailbox.klantnummer, code, expiresAt };
  }

  /** Links a mailbox with its activation data. A wrong code and an unknown klantnummer get the
   * same answer, so the form does not tell which klantnummers exist. */
  async linkMailbox(
    account: PassageAccount,
    input: { klantnummer: string; code: string },
    client: ClientContext,
  ): Promise<LinkedMailbox> {
    const remoteAddress = normaliseAddress(client.remoteAddress);
    const base = { actor: passageActor(account.email), remoteAddress };
    const key = `account:${account.id}`;
    const wait = this.#throttle.retryAfter(key, remoteAddress);
    if (wait > 0) {
      await this.#audit.record({ ...base, action: 'mailbox.link.throttled' });
      throw tooManyAttempts(wait);
    }
    const klantnummer = input.klantnummer.replace(/\s+/g, '');
    if (!/^\d{9}$/.test(klantnummer))
      throw new UserError('BADINPUT', 'A klantnummer is 9 digits, like 500123456', 'klantnummer-format');
    const code = canonicalActivationCode(input.code);
    const mailbox = await this.#store.accounts.findMailbox({ klantnummer });
    const activation =
      mailbox && code ? await this.#store.mailboxLinks.findActivation(mailbox.id, this.#hash(code)) : null;
    const now = this.#now();
    const failure = async (reason: string, error: UserError) => {
      await this.#audit.record({
        ...base,
        action: 'mailbox.link.failure',
        mailboxId: mailbox?.id ?? null,
        detail: { klantnummer, reason },
      });
      return error;
    };
    if (!mailbox || !activation) {
      this.#throttle.recordFailure(key, remoteAddress);
      await pause(this.#failureDelayMs);
      throw await failure(
        'wrong-code',
        new UserError(
          'AUTHENTICATIONFAILED',
          'The klantnummer and activation code do not match. Check both, or ask your administrator for new activation data.',
          'activation-mismatch',
        ),
      );
    }
    if (await this.#store.mailboxLinks.findLinked(account.id, mailbox.id)) {
      throw new UserError(
        'ALREADYEXISTS',
        `Mailbox ${mailbox.address} is already linked to your Passage ID`,
        'already-linked',
      );
    }
    if (activation.usedAt) {
      throw await failure(
        'used',
        new UserError(
          'CANNOT',
          'This activation code has already been used. Ask your administrator for new activation data.',
          'activation-used',
        ),
      );
    }
    if (activation.expiresAt <= now) {
      throw await failure(
        'expired',
        new UserError(
          'CANNOT',
          `This activation code expired on ${activation.expiresAt.toISOString().slice(0, 10)}. Ask your administrator for new activation data.`,
          'activation-used',
        ),
      );
    }
    const linked = await this.#store.mailboxLinks.link(
      { accountId: account.id, mailboxId: mailbox.id, activationId: activation.id, at: now },
      [
        {
          ...base,
          action: 'mailbox.link',
          mailboxId: mailbox.id,
          detail: { accountId: account.id, klantnummer, address: mailbox.address },
        },
      ],
    );
    if (!linked)
      throw new UserError(
        'CANNOT',
        'This activation code has just been used or has expired. Ask your administrator for new activation data.',
        'activation-used',
      );
    this.#throttle.recordSuccess(key);
    return { ...mailbox, linkedAt: linked.linkedAt };
  }

  linkedMailboxes(accountId: number): Promise<LinkedMailbox[]> {
    return this.#store.mailboxLinks.listLinked(accountId);
  }

  /** The check in front of every webmail and portal request on a mailbox: the same answer whether
   * the mailbox does not exist or belongs to others. */
  async requireLinkedMailbox(account: PassageAccount, mailboxId: number): Promise<Mailbox> {
    const linked = Number.isSafeInteger(mailboxId)
      ? await this.#store.mailboxLinks.findLinked(account.id, mailboxId)
      : null;
    if (!linked) throw new UserError('NONEXISTENT', 'No such mailbox');
    const { linkedAt: _linkedAt, ...mailbox } = linked;
    return mailbox;
  }

  async unlinkMailbox(account: PassageAccount, mailboxId: number, by: Actor): Promise<void> {
    const mailbox = await this.requireLinkedMailbox(account, mailboxId);
    const removed = await this.#store.mailboxLinks.unlink(account.id, mailbox.id, [
      {
        ...actorOf(by),
        action: 'mailbox.unlink',
        mailboxId: mailbox.id,
        detail: { accountId: account.id, address: mailbox.address },
      },
    ]);
    if (!removed) throw new UserError('NONEXISTENT', 'No such mailbox');
  }

  /** SPEC R4 "Beheer Hosted Mail Key" → "Genereren", for a linked mailbox only. */
  async generateHostedMailKey(
    account: PassageAccount,
    mailboxId: number,
    client: ClientContext,
  ): Promise<{ key: string; mailbox: Mailbox }> {
    const mailbox = await this.requireLinkedMailbox(account, mailboxId);
    const { key } = await this.#identity.generateHostedMailKey(mailbox, {
      actor: passageActor(account.email),
      remoteAddress: normaliseAddress(client.remoteAddress),
    });
    return { key, mailbox };
  }

  /** A keyed hash: the database alone does not allow testing guesses of codes. */
  #hash(code: string): string {
    return this.#sealer.hashSecret('passage activation', code);
  }
}
