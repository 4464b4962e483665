// Interop with Python's imaplib against the complete server over TLS: login, list, select, append,
// search, fetch, store and the UID commands. The Python script prints JSON that is checked here.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';

const run = promisify(execFile);

const SCRIPT = String.raw`
import imaplib, json, os, ssl, sys
ctx = ssl.create_default_context(cafile=os.environ['CA_FILE'])
out = {}
m = imaplib.IMAP4_SSL('localhost', int(os.environ['PORT']), ssl_context=ctx)
out['caps'] = sorted(m.capabilities)
try:
    m.login(os.environ['USER_NAME'], 'wrong')
except imaplib.IMAP4.error as e:
    out['bad_login'] = str(e)
typ, _ = m.login(os.environ['USER_NAME'], os.environ['USER_KEY'])
out['login'] = typ
typ, folders = m.list()
out['list'] = [f.decode() for f in folders]
msg = b'From: a@b.nl\r\nTo: c@d.nl\r\nSubject: imaplib test\r\n\r\nHallo \xc3\xa9\r\n'
typ, data = m.append('INBOX', '(\\Flagged)', imaplib.Time2Internaldate(1704100000), msg)
out['append'] = [typ, data[0].decode()]
m.append('INBOX', None, None, b'Subject: second\r\n\r\nTweede\r\n')
typ, data = m.select('INBOX')
out['select'] = [typ, data[0].decode()]
typ, data = m.search(None, 'FLAGGED')
out['search_flagged'] = data[0].decode()
typ, data = m.search('UTF-8', 'BODY', 'Tweede')
out['search_body'] = data[0].decode()
typ, data = m.fetch('1', '(RFC822 FLAGS)')
out['fetch_body_ok'] = data[0][1] == msg
out['fetch_meta'] = data[0][0].decode() + (data[1].decode() if isinstance(data[1], bytes) else '')
typ, data = m.fetch('1:2', '(BODY.PEEK[HEADER.FIELDS (SUBJECT)])')
out['fetch_headers'] = [d[1].decode() for d in data if isinstance(d, tuple)]
typ, data = m.store('2', '+FLAGS', '(\\Deleted)')
out['store'] = [d.decode() for d in data]
typ, data = m.uid('SEARCH', None, 'DELETED')
out['uid_search'] = data[0].decode()
typ, data = m.uid('FETCH', '1:*', '(UID FLAGS RFC822.SIZE)')
out['uid_fetch'] = [d.decode() for d in data]
typ, data = m.uid('COPY', '1', 'Archive')
out['uid_copy'] = [typ, m.untagged_responses.get('COPYUID', [b''])[0].decode() if 'COPYUID' in m.untagged_responses else '']
typ, data = m.uid('STORE', '1', '-FLAGS', '(\\Flagged)')
out['uid_store'] = [d.decode() for d in data]
typ, data = m.expunge()
out['expunge'] = [d.decode() for d in data if d]
typ, data = m.status('Archive', '(MESSAGES UIDNEXT)')
out['status'] = data[0].decode()
m.close()
out['logout'] = m.logout()[0]
print(json.dumps(out))
`;

let server: TestServer;
let account: TestAccount;
before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('bram@apotheek-test.nl');
});
after(() => server.close());

test('python imaplib: login, select, search, fetch, store, uid', async () => {
  const { stdout } = await run('python3', ['-c', SCRIPT], {
    env: { ...process.env, CA_FILE: server.caFile, PORT: String(server.ports.imaps), USER_NAME: account.klantnummer, USER_KEY: account.key },
    timeout: 30_000,
  });
  const out = JSON.parse(stdout) as Record<string, unknown>;
  assert.ok((out.caps as string[]).includes('IMAP4REV1'));
  assert.ok((out.caps as string[]).includes('AUTH=PLAIN'));
  assert.match(String(out.bad_login), /AUTHENTICATIONFAILED/);
  assert.equal(out.login, 'OK');
  assert.ok((out.list as string[]).some((l) => l === '(\\HasNoChildren \\Sent) "/" "Sent"'));
  assert.match((out.append as string[])[1]!, /^\[APPENDUID \d+ 1\] APPEND completed$/);
  assert.deepEqual(out.select, ['OK', '2']);
  assert.equal(out.search_flagged, '1');
  assert.equal(out.search_body, '2');
  assert.equal(out.fetch_body_ok, true);
  assert.match(String(out.fetch_meta), /FLAGS \(\\Flagged \\Seen \\Recent\)|FLAGS \(\\Seen \\Flagged \\Recent\)/);
  assert.deepEqual(out.fetch_headers, ['Subject: imaplib test\r\n\r\n', 'Subject: second\r\n\r\n']);
  assert.match((out.store as string[])[0]!, /^2 \(FLAGS \(.*\\Deleted.*\)\)$/);
  assert.equal(out.uid_search, '2');
  assert.equal((out.uid_fetch as string[]).length, 2);
  assert.match((out.uid_fetch as string[])[0]!, /^1 \(UID 1 FLAGS \(.*\) RFC822.SIZE \d+\)$/);
  assert.equal((out.uid_copy as string[])[0], 'OK');
  assert.match((out.uid_store as string[])[0]!, /^1 \(FLAGS \(.*\) UID 1\)$/);
  assert.deepEqual(out.expunge, ['2']);
  assert.match(String(out.status), /^"Archive" \(MESSAGES 1 UIDNEXT 2\)$/);
  assert.equal(out.logout, 'BYE');
});
