// Mailboxes and Passage IDs (SPEC R2, R3, R4, R22, R24): activation data issued by the operator,
// linking with it once, shared mailboxes and accounts with several mailboxes, the authorisation
// check in front of every mailbox request, and generating a Hosted Mail Key from the portal.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ACTIVATION_VALID_MS, type PassageService } from '../../src/identity/passage-service.ts';
import { verifyHostedMailKey } from '../../src/identity/hosted-mail-key.ts';
import type { Mailbox } from '../../src/identity/types.ts';
import {
  createAccount,
  freshClient,
  passageFixture,
  type CreatedAccount,
  type PassageFixture,
} from './passage-fixture.ts';

const ACTIVATION_CODE = /^[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}-[A-HJ-NP-Z2-9]{4}$/;
const WRONG = /klantnummer and activation code do not match/;
const operator = { actor: 'cli:operator' };

let fixture: PassageFixture;
let passage: PassageService;
let balie: Mailbox;
let spreekkamer: Mailbox;
let elders: Mailbox;
let jansen: CreatedAccount;
let devries: CreatedAccount;
const secrets = new Set<string>();

before(async () => {
  fixture = await passageFixture();
  passage = fixture.service();
  await fixture.identity.addOrganisation({ name: 'De Linde', domain: 'delinde.nl' }, operator);
  await fixture.identity.addOrganisation({ name: 'Elders', domain: 'elders.nl' }, operator);
  balie = await fixture.identity.addMailbox(
    { address: 'balie@delinde.nl', displayName: 'Balie', klantnummer: '500123456' },
    operator,
  );
  spreekkamer = await fixture.identity.addMailbox(
    { address: 'spreekkamer@delinde.nl', displayName: 'Spreekkamer', klantnummer: '500123457' },
    operator,
  );
  elders = await fixture.identity.addMailbox(
    { address: 'post@elders.nl', displayName: 'Elders', klantnummer: '500999999' },
    operator,
  );
  jansen = await createAccount(fixture, passage, 'jansen@delinde.nl', 'user', 'delinde.nl');
  devries = await createAccount(fixture, passage, 'devries@delinde.nl', 'user', 'delinde.nl');
});
after(() => fixture?.cleanup());

async function issue(mailbox: Mailbox): Promise<string> {
  const activation = await passage.issueActivation(mailbox, operator);
  secrets.add(activation.code).add(activation.code.replaceAll('-', ''));
  return activation.code;
}

describe('activation data', () => {
  it('is the klantnummer and a one-time code of 60 bits, valid 30 days, audited without the code', async () => {
    const activation = await passage.issueActivation(balie, { actor: 'cli:operator', remoteAddress: '203.0.113.5' });
    secrets.add(activation.code);
    assert.equal(activation.klantnummer, '500123456');
    assert.match(activation.code, ACTIVATION_CODE);
    assert.equal(activation.expiresAt.getTime() - fixture.clock.now.getTime(), ACTIVATION_VALID_MS);
    const [record] = (await fixture.store.audit.list({ action: 'mailbox.activation.issue' })).slice(-1);
    assert.deepEqual(
      [record?.actor, record?.mailboxId, record?.remoteAddress],
      ['cli:operator', balie.id, '203.0.113.5'],
    );
  });

  it('replaces the earlier unused code of the mailbox', async () => {
    const old = await issue(balie);
    const current = await issue(balie);
    await assert.rejects(passage.linkMailbox(jansen.account, { klantnummer: '500123456', code: old }, freshClient()), {
      message: WRONG,
    });
    const linked = await passage.linkMailbox(
      jansen.account,
      { klantnummer: ' 500 123 456 ', code: current.toLowerCase().replaceAll('-', ' ') },
      freshClient(),
    );
    assert.equal(linked.address, 'balie@delinde.nl');
    assert.equal(linked.linkedAt.getTime(), fixture.clock.now.getTime());
  });
});

describe('linking a mailbox', () => {
  it('gives one answer for a wrong code and an unknown klantnummer, and a clear one for used and expired codes', async () => {
    const code = await issue(spreekkamer);
    const client = freshClient();
    await assert.rejects(
      passage.linkMailbox(devries.account, { klantnummer: '500123457', code: 'AAAA-BBBB-CCCC' }, client),
      { code: 'AUTHENTICATIONFAILED', message: WRONG },
    );
    await assert.rejects(passage.linkMailbox(devries.account, { klantnummer: '511111111', code }, client), {
      code: 'AUTHENTICATIONFAILED',
      message: WRONG,
    });
    await assert.rejects(passage.linkMailbox(devries.account, { klantnummer: '123', code }, client), {
      code: 'BADINPUT',
      message: /9 digits/,
    });

    fixture.clock.advance(ACTIVATION_VALID_MS + 1000);
    try {
      await assert.rejects(passage.linkMailbox(devries.account, { klantnummer: '500123457', code }, client), {
        code: 'CANNOT',
        message: /expired on \d{4}-\d\d-\d\d/,
      });
    } finally {
      fixture.clock.advance(-(ACTIVATION_VALID_MS + 1000));
    }
    const linked = await passage.linkMailbox(devries.account, { klantnummer: '500123457', code }, client);
    assert.equal(linked.klantnummer, '500123457');
    await assert.rejects(passage.linkMailbox(jansen.account, { klantnummer: '500123457', code }, freshClient()), {
      code: 'CANNOT',
      message: /already been used/,
    });
    // Linked already: said so, and the new code is not spent on it.
    const again = await issue(spreekkamer);
    await assert.rejects(
      passage.linkMailbox(devries.account, { klantnummer: '500123457', code: again }, freshClient()),
      {
        code: 'ALREADYEXISTS',
        message: /spreekkamer@delinde\.nl is already linked/,
      },
    );
    await passage.linkMailbox(jansen.account, { klantnummer: '500123457', code: again }, freshClient());

    const failures = (await fixture.store.audit.list({ action: 'mailbox.link.failure' })).filter(
      (r) => r.actor === 'passage:devries@delinde.nl',
    );
    assert.deepEqual(
      failures.map((r) => [r.detail?.reason, r.mailboxId]),
      [
        ['wrong-code', spreekkamer.id],
        ['wrong-code', null],
        ['expired', spreekkamer.id],
      ],
    );
    const [link] = (await fixture.store.audit.list({ action: 'mailbox.link' })).filter(
      (r) => r.actor === 'passage:devries@delinde.nl',
    );
    assert.deepEqual([link?.mailboxId, link?.remoteAddress], [spreekkamer.id, client.remoteAddress]);
  });

  it('shares a mailbox between accounts and gives an account several mailboxes', async () => {
    assert.deepEqual(
      (await passage.linkedMailboxes(jansen.account.id)).map((m) => m.address),
      ['balie@delinde.nl', 'spreekkamer@delinde.nl'],
    );
    assert.deepEqual(
      (await passage.linkedMailboxes(devries.account.id)).map((m) => m.address),
      ['spreekkamer@delinde.nl'],
    );
    assert.equal(
      (await passage.requireLinkedMailbox(jansen.account, spreekkamer.id)).address,
      'spreekkamer@delinde.nl',
    );
    assert.equal(
      (await passage.requireLinkedMailbox(devries.account, spreekkamer.id)).address,
      'spreekkamer@delinde.nl',
    );
    const counts = new Map((await passage.listAccounts()).map((a) => [a.email, a.linkedMailboxes]));
    assert.deepEqual([counts.get('jansen@delinde.nl'), counts.get('devries@delinde.nl')], [2, 1]);
  });

  it("refuses other people's mailboxes and ones that do not exist with the same error", async () => {
    const refusals = [
      passage.requireLinkedMailbox(devries.account, balie.id),
      passage.requireLinkedMailbox(devries.account, elders.id),
      passage.requireLinkedMailbox(devries.account, 987_654),
      passage.requireLinkedMailbox(devries.account, Number.NaN),
    ];
    for (const refusal of refusals) await assert.rejects(refusal, { code: 'NONEXISTENT', message: 'No such mailbox' });
    await assert.rejects(passage.generateHostedMailKey(devries.account, balie.id, freshClient()), {
      code: 'NONEXISTENT',
      message: 'No such mailbox',
    });
    await assert.rejects(passage.unlinkMailbox(devries.account, balie.id, operator), { code: 'NONEXISTENT' });
  });

  it('throttles wrong activation codes per account', async () => {
    const service = fixture.service();
    const code = await issue(elders);
    for (let i = 0; i < 3; i++) {
      await assert.rejects(
        service.linkMailbox(devries.account, { klantnummer: '500999999', code: 'AAAA-BBBB-CCCC' }, freshClient()),
        { message: WRONG },
      );
    }
    await assert.rejects(service.linkMailbox(devries.account, { klantnummer: '500999999', code }, freshClient()), {
      code: 'LIMIT',
      message: /Too many failed attempts/,
    });
    assert.equal((await fixture.store.audit.list({ action: 'mailbox.link.throttled' })).length, 1);
    // Another account is not held up, and the code was not spent.
    assert.equal(
      (await service.linkMailbox(jansen.account, { klantnummer: '500999999', code }, freshClient())).address,
      'post@elders.nl',
    );
  });

  it('unlinks a mailbox from one account only', async () => {
    const by = { actor: 'passage:jansen@delinde.nl', remoteAddress: '198.51.100.77' };
    await passage.unlinkMailbox(jansen.account, elders.id, by);
    await assert.rejects(passage.requireLinkedMailbox(jansen.account, elders.id), { code: 'NONEXISTENT' });
    await assert.rejects(passage.unlinkMailbox(jansen.account, elders.id, by), { code: 'NONEXISTENT' });
    const [record] = (await fixture.store.audit.list({ action: 'mailbox.unlink' })).slice(-1);
    assert.deepEqual(
      [record?.actor, record?.mailboxId, record?.remoteAddress],
      [by.actor, elders.id, by.remoteAddress],
    );
  });
});

describe('Hosted Mail Keys from the portal', () => {
  it('generates a key for a linked mailbox, audited as the Passage ID', async () => {
    const client = freshClient();
    const { key, mailbox } = await passage.generateHostedMailKey(devries.account, spreekkamer.id, client);
    secrets.add(key);
    assert.equal(mailbox.id, spreekkamer.id);
    const active = await fixture.store.accounts.activeHostedMailKey(spreekkamer.id);
    assert.ok(active && (await verifyHostedMailKey(active.hash, key)));
    const [record] = (await fixture.store.audit.list({ action: 'hosted-mail-key.generate' })).slice(-1);
    assert.deepEqual(
      [record?.actor, record?.mailboxId, record?.remoteAddress],
      ['passage:devries@delinde.nl', spreekkamer.id, client.remoteAddress],
    );
  });
});

describe('the audit trail', () => {
  it('never holds an activation code, a key or a password', async () => {
    for (const value of [jansen.password, devries.password, ...jansen.recoveryCodes]) secrets.add(value);
    const rows = await fixture.store.audit.list({ limit: 100_000 });
    const text = JSON.stringify(rows.map((r) => [r.actor, r.action, r.mailboxId, r.remoteAddress, r.detail]));
    assert.ok(secrets.size >= 10);
    for (const secret of secrets)
      assert.ok(!text.includes(secret), `the audit log contains a secret (${secret.slice(0, 3)}…)`);
    for (const secret of secrets) assert.ok(!text.toLowerCase().includes(secret.toLowerCase()));
  });
});
