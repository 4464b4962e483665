// IMAP IDLE across protocols (RFC 2177): an imapflow session IDLEing on B's INBOX sees a message that
// A submits over SMTP within a second of the submission's 250, and can fetch it at once.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';
import { connectImap, smtpTransport } from '../helpers/clients.ts';
import { withTimeout } from '../helpers/async.ts';

let server: TestServer;
let sender: TestAccount;
let recipient: TestAccount;

before(async () => {
  server = await startTestServer();
  sender = await server.addMailbox('huisarts@praktijk-idle.nl');
  recipient = await server.addMailbox('balie@apotheek-idle.nl');
});
after(() => server.close());

test('an IDLEing imapflow session sees an SMTP submission within a second, three times in a row', async () => {
  const watcher = await connectImap(server, { user: recipient.klantnummer, pass: recipient.key });
  const transport = smtpTransport(server, { user: sender.klantnummer, pass: sender.key });
  try {
    await watcher.mailboxOpen('INBOX');
    let latest = { count: 0, at: 0 };
    let notify: (() => void) | null = null;
    watcher.on('exists', (event: { path: string; count: number }) => {
      if (event.path !== 'INBOX') return;
      latest = { count: event.count, at: Date.now() };
      notify?.();
    });

    for (let round = 1; round <= 3; round++) {
      const idling = watcher.idle();
      // Give the IDLE command time to reach the server before the message does.
      await new Promise((resolve) => setTimeout(resolve, 100));
      const seen = new Promise<void>((resolve) => (notify = () => latest.count >= round && resolve()));
      const subject = `Spoed ${round}`;
      const info = await transport.sendMail({
        envelope: { from: sender.address, to: [recipient.address] },
        raw: Buffer.from(`From: ${sender.address}\r\nTo: ${recipient.address}\r\nSubject: ${subject}\r\n\r\nBel even terug.\r\n`),
      });
      const acknowledged = Date.now();
      assert.match(info.response, /^250 /);
      await withTimeout(seen, 1_000, `EXISTS ${round} during IDLE`);
      assert.ok(latest.at - acknowledged < 1_000, `seen ${latest.at - acknowledged} ms after the 250`);

      // Leaving IDLE (imapflow sends DONE on the next command) and fetching the new message.
      const message = await watcher.fetchOne('*', { envelope: true, uid: true });
      assert.ok(message);
      assert.equal(message.envelope?.subject, subject);
      await idling;
    }
  } finally {
    transport.close();
    await watcher.logout();
  }
});
