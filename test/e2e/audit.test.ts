// SPEC R22: security events land in the hash-chained audit log: key generation, logins and failures
// (with the source address), every send attempt and every receipt.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { startTestServer } from '../helpers/harness.ts';
import { smtpTransport } from '../helpers/clients.ts';
import { imapLoginReply } from '../helpers/wire-socket.ts';
import { auditHash } from '../../src/store/sql/audit.ts';

it('records keys, logins, sends and receipts in a verifiable chain', async () => {
  const server = await startTestServer();
  try {
    const sender = await server.addMailbox('arts@audit.example');
    const recipient = await server.addMailbox('balie@audit.example');
    assert.match(await imapLoginReply(server.ports.imaps, server.ca, recipient.klantnummer, 'wrong-key'), /NO \[AUTHENTICATIONFAILED\]/);
    const smtp = smtpTransport(server, { user: sender.klantnummer, pass: sender.key });
    await smtp.sendMail({
      envelope: { from: sender.address, to: [recipient.address] },
      raw: `From: ${sender.address}\r\nTo: ${recipient.address}\r\nMessage-ID: <audit-1@audit.example>\r\nSubject: x\r\n\r\nx\r\n`,
    });
    await assert.rejects(
      smtp.sendMail({ envelope: { from: sender.address, to: [recipient.address] }, raw: `From: someone@else.example\r\n\r\nx\r\n` }),
      /550/,
    );
    smtp.close();

    const log = await server.server.services.audit.list({});
    const actions = log.map((r) => `${r.action}:${r.mailboxId ?? '-'}`);
    for (const expected of [
      `hosted-mail-key.generate:${sender.mailboxId}`,
      `login.failure:${recipient.mailboxId}`,
      `login.success:${sender.mailboxId}`,
      `message.submit:${sender.mailboxId}`,
      `message.receive:${recipient.mailboxId}`,
      `message.submit.failure:${sender.mailboxId}`,
    ]) {
      assert.ok(actions.includes(expected), `${expected} in ${actions.join(', ')}`);
    }
    const failure = log.find((r) => r.action === 'login.failure')!;
    assert.equal(failure.remoteAddress, '127.0.0.1');
    assert.equal(failure.detail?.protocol, 'imap');
    const receipt = log.find((r) => r.action === 'message.receive')!;
    assert.equal(receipt.detail?.messageId, '<audit-1@audit.example>');
    // Each record hashes its predecessor: the chain verifies end to end.
    for (const [index, record] of log.entries()) {
      assert.equal(record.hash, auditHash(record.prevHash, record));
      if (index > 0) assert.equal(record.prevHash, log[index - 1]!.hash);
    }
  } finally {
    await server.close();
  }
});
