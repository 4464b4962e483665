import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatEnvelope } from '../../../src/imap/format/envelope.ts';
import { buildEnvelope } from '../../../src/mail/mime/envelope.ts';

const header = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

test('the RFC 3501 §8 sample ENVELOPE, byte for byte', () => {
  const envelope = buildEnvelope(
    header([
      'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
      'From: Terry Gray <gray@cac.washington.edu>',
      'Subject: IMAP4rev1 WG mtg summary and minutes',
      'To: imap@cac.washington.edu',
      'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
      'Message-Id: <B27397-0100000@cac.washington.edu>',
      'MIME-Version: 1.0',
      'Content-Type: TEXT/PLAIN; CHARSET=US-ASCII',
    ]),
  );
  assert.equal(
    formatEnvelope(envelope).toString('latin1'),
    '("Wed, 17 Jul 1996 02:23:25 -0700 (PDT)" "IMAP4rev1 WG mtg summary and minutes" ' +
      '(("Terry Gray" NIL "gray" "cac.washington.edu")) (("Terry Gray" NIL "gray" "cac.washington.edu")) ' +
      '(("Terry Gray" NIL "gray" "cac.washington.edu")) ((NIL NIL "imap" "cac.washington.edu")) ' +
      '((NIL NIL "minutes" "CNRI.Reston.VA.US")("John Klensin" NIL "KLENSIN" "MIT.EDU")) NIL NIL ' +
      '"<B27397-0100000@cac.washington.edu>")',
  );
});

test('groups, routes, 8-bit names and an empty envelope', () => {
  const envelope = buildEnvelope(header(['To: Friends: a@b.test;, <@r.test:c@d.test>', 'From: J\xf6rg <j@h.test>']));
  assert.equal(
    formatEnvelope(envelope).toString('latin1'),
    '(NIL NIL (({4}\r\nJ\xf6rg NIL "j" "h.test")) (({4}\r\nJ\xf6rg NIL "j" "h.test")) (({4}\r\nJ\xf6rg NIL "j" "h.test")) ' +
      '((NIL NIL "Friends" NIL)(NIL NIL "a" "b.test")(NIL NIL NIL NIL)(NIL "@r.test" "c" "d.test")) NIL NIL NIL NIL)',
  );
  assert.equal(formatEnvelope(buildEnvelope(Buffer.alloc(0))).toString(), '(NIL NIL NIL NIL NIL NIL NIL NIL NIL NIL)');
});
