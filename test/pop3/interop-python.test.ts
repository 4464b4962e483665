// Interop with Python's poplib over implicit TLS: CAPA, USER/PASS, AUTH PLAIN, STAT, LIST, UIDL,
// RETR, TOP, DELE, RSET, NOOP, QUIT and the errors poplib raises. The script prints JSON, checked here.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { startTestServer, type TestAccount, type TestServer } from '../helpers/harness.ts';

const run = promisify(execFile);

const SCRIPT = String.raw`
import base64, json, os, poplib, ssl
ctx = ssl.create_default_context(cafile=os.environ['CA_FILE'])
out = {}
def connect():
    return poplib.POP3_SSL('localhost', int(os.environ['PORT']), context=ctx, timeout=20)
p = connect()
out['welcome'] = p.getwelcome().decode()
out['capa'] = sorted(p.capa().keys())
p.user(os.environ['USER_NAME'])
try:
    p.pass_('verkeerd')
except poplib.error_proto as e:
    out['bad_pass'] = str(e)
p.user(os.environ['USER_NAME'])
out['pass'] = p.pass_(os.environ['USER_KEY']).decode()
out['stat'] = list(p.stat())
out['list'] = [l.decode() for l in p.list()[1]]
out['list_one'] = p.list(2).decode()
out['uidl'] = [l.decode() for l in p.uidl()[1]]
resp, lines, octets = p.retr(1)
out['retr1'] = b'\r\n'.join(lines).decode()
out['retr1_octets'] = octets
resp, lines, octets = p.retr(2)
out['retr2'] = [l.decode() for l in lines]
resp, lines, octets = p.top(1, 1)
out['top'] = [l.decode() for l in lines]
for command in ['retr(9)', 'dele(9)', 'top(9, 0)']:
    try:
        eval('p.' + command)
    except poplib.error_proto as e:
        out.setdefault('errors', []).append(str(e))
out['dele'] = p.dele(1).decode()
try:
    p.retr(1)
except poplib.error_proto as e:
    out['retr_deleted'] = str(e)
out['stat_after_dele'] = list(p.stat())
out['rset'] = p.rset().decode()
out['stat_after_rset'] = list(p.stat())
out['noop'] = p.noop().decode()
p.dele(2)
out['quit'] = p.quit().decode()
q = connect()
token = base64.b64encode(b'\0' + os.environ['USER_ADDRESS'].encode() + b'\0' + os.environ['USER_KEY'].encode()).decode()
out['auth_plain'] = q._shortcmd('AUTH PLAIN ' + token).decode()
out['stat_new_session'] = list(q.stat())
out['uidl_new_session'] = [l.decode() for l in q.uidl()[1]]
q.quit()
print(json.dumps(out))
`;

let server: TestServer;
let account: TestAccount;
let uidValidity = 0;
const FIRST = 'From: a@praktijk.nl\r\nSubject: een\r\n\r\nEerste regel\r\nTweede regel\r\n';
const SECOND = 'From: a@praktijk.nl\r\nSubject: twee\r\n\r\n.punt aan het begin\r\n..twee punten\r\n';

before(async () => {
  server = await startTestServer();
  account = await server.addMailbox('poplib@praktijk-poplib.nl');
  const { mail } = server.server.services;
  const inbox = await mail.getFolder(account.mailboxId, 'INBOX');
  uidValidity = inbox!.uidValidity;
  for (const text of [FIRST, SECOND, 'Subject: drie\r\n\r\nDrie\r\n']) await mail.append(inbox!.id, Buffer.from(text));
});
after(() => server.close());

test('python poplib: every command, errors, DELE/RSET, DELE+QUIT removes', async () => {
  const { stdout } = await run('python3', ['-c', SCRIPT], {
    env: {
      ...process.env,
      CA_FILE: server.caFile,
      PORT: String(server.ports.pop3s),
      USER_NAME: account.klantnummer,
      USER_ADDRESS: account.address,
      USER_KEY: account.key,
    },
    timeout: 30_000,
  });
  const out = JSON.parse(stdout) as Record<string, unknown>;
  assert.match(String(out.welcome), /^\+OK /);
  for (const capability of ['TOP', 'UIDL', 'USER', 'SASL', 'RESP-CODES', 'PIPELINING']) {
    assert.ok((out.capa as string[]).includes(capability), `CAPA ${capability}`);
  }
  assert.match(String(out.bad_pass), /-ERR \[AUTH\]/);
  assert.match(String(out.pass), /^\+OK 3 messages/);
  const sizes = [FIRST.length, SECOND.length, 'Subject: drie\r\n\r\nDrie\r\n'.length];
  assert.deepEqual(out.stat, [3, sizes.reduce((a, b) => a + b, 0)]);
  assert.deepEqual(out.list, sizes.map((s, i) => `${i + 1} ${s}`));
  assert.equal(out.list_one, `+OK 2 ${SECOND.length}`);
  assert.deepEqual(out.uidl, [1, 2, 3].map((n) => `${n} ${n}.${uidValidity}`));
  assert.equal(out.retr1, FIRST.slice(0, -2));
  // poplib counts the octets of the lines it read: stuffed dots excluded, line ends included.
  assert.equal(out.retr1_octets, FIRST.length);
  assert.deepEqual(out.retr2, ['From: a@praktijk.nl', 'Subject: twee', '', '.punt aan het begin', '..twee punten']);
  assert.deepEqual(out.top, ['From: a@praktijk.nl', 'Subject: een', '', 'Eerste regel']);
  assert.equal((out.errors as string[]).length, 3);
  for (const error of out.errors as string[]) assert.match(error, /-ERR /);
  assert.match(String(out.dele), /^\+OK/);
  assert.match(String(out.retr_deleted), /-ERR /);
  assert.deepEqual(out.stat_after_dele, [2, sizes[1]! + sizes[2]!]);
  assert.match(String(out.rset), /^\+OK/);
  assert.deepEqual((out.stat_after_rset as number[])[0], 3);
  assert.match(String(out.noop), /^\+OK/);
  assert.match(String(out.quit), /^\+OK/);
  assert.match(String(out.auth_plain), /^\+OK 2 messages/);
  assert.deepEqual(out.stat_new_session, [2, sizes[0]! + sizes[2]!]);
  assert.deepEqual(out.uidl_new_session, [`1 1.${uidValidity}`, `2 3.${uidValidity}`]);
});
