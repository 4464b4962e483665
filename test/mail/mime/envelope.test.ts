import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { buildEnvelope, MISSING_DOMAIN, MISSING_MAILBOX, parseAddressList } from '../../../src/mail/mime/envelope.ts';
import type { EnvelopeAddress } from '../../../src/mail/mime/types.ts';

const a = (
  name: string | null,
  mailbox: string | null,
  host: string | null,
  adl: string | null = null,
): EnvelopeAddress => ({
  name,
  adl,
  mailbox,
  host,
});
const groupStart = (name: string): EnvelopeAddress => a(null, name, null);
const groupEnd = a(null, null, null);

describe('address lists: RFC 5322 Appendix A', () => {
  test('A.1.1, A.1.2 addressing', () => {
    assert.deepEqual(parseAddressList('"Joe Q. Public" <john.q.public@example.com>'), [
      a('Joe Q. Public', 'john.q.public', 'example.com'),
    ]);
    assert.deepEqual(parseAddressList('Mary Smith <mary@x.test>, jdoe@example.org, Who? <one@y.test>'), [
      a('Mary Smith', 'mary', 'x.test'),
      a(null, 'jdoe', 'example.org'),
      a('Who?', 'one', 'y.test'),
    ]);
    assert.deepEqual(parseAddressList('<boss@nil.test>, "Giant; \\"Big\\" Box" <sysservices@example.net>'), [
      a(null, 'boss', 'nil.test'),
      a('Giant; "Big" Box', 'sysservices', 'example.net'),
    ]);
  });

  test('A.1.3 groups, encoded as IMAP does (RFC 3501 §7.4.2)', () => {
    assert.deepEqual(parseAddressList('A Group:Ed Jones <c@a.test>,joe@where.test,John <jdoe@one.test>;'), [
      groupStart('A Group'),
      a('Ed Jones', 'c', 'a.test'),
      a(null, 'joe', 'where.test'),
      a('John', 'jdoe', 'one.test'),
      groupEnd,
    ]);
    assert.deepEqual(parseAddressList('Undisclosed recipients:;'), [groupStart('Undisclosed recipients'), groupEnd]);
    // a group never closed still ends
    assert.deepEqual(parseAddressList('g: x@y.test'), [groupStart('g'), a(null, 'x', 'y.test'), groupEnd]);
  });

  test('A.5 white space, comments and other oddities', () => {
    assert.deepEqual(parseAddressList('Pete(A nice \\) chap) <pete(his account)@silly.test(his host)>'), [
      a('Pete', 'pete', 'silly.test'),
    ]);
    assert.deepEqual(
      parseAddressList(
        "A Group(Some people)\r\n     :Chris Jones <c@(Chris's host.)public.example>,\r\n         joe@example.org,\r\n  John <jdoe@one.test> (my dear friend); (the end of the group)",
      ),
      [
        groupStart('A Group'),
        a('Chris Jones', 'c', 'public.example'),
        a(null, 'joe', 'example.org'),
        a('John', 'jdoe', 'one.test'),
        groupEnd,
      ],
    );
  });

  test('A.6 obsolete syntax: routes, empty elements, white space around dots', () => {
    assert.deepEqual(parseAddressList('Mary Smith <@node.test:mary@example.net>, , jdoe@test  . example'), [
      a('Mary Smith', 'mary', 'example.net', '@node.test'),
      a(null, 'jdoe', 'test.example'),
    ]);
    assert.deepEqual(parseAddressList('<@r1.test,@r2.test:u@h.test>'), [a(null, 'u', 'h.test', '@r1.test,@r2.test')]);
    // RFC 5322 §3.4.1 domain literals
    assert.deepEqual(parseAddressList('a@[192.0.2.1], "x" <b@[IPv6: ::1]>'), [
      a(null, 'a', '[192.0.2.1]'),
      a('x', 'b', '[IPv6: ::1]'),
    ]);
  });
});

describe('address lists: what mail really contains', () => {
  test('names stay raw: encoded words, 8-bit bytes, inner white space of quoted strings', () => {
    assert.deepEqual(parseAddressList('=?utf-8?q?J=C3=B6rg?= <j@h.test>'), [a('=?utf-8?q?J=C3=B6rg?=', 'j', 'h.test')]);
    assert.deepEqual(parseAddressList('J\xf6rg  M\xfcller <j@h.test>'), [a('J\xf6rg M\xfcller', 'j', 'h.test')]);
    assert.deepEqual(parseAddressList('"Joe  Q." <j@h.test>'), [a('Joe  Q.', 'j', 'h.test')]);
  });

  test('a comment names an address that has no display name', () => {
    assert.deepEqual(parseAddressList('user@h.test (Comment Name)'), [a('Comment Name', 'user', 'h.test')]);
    assert.deepEqual(parseAddressList('a@b.test (c) (d)'), [a('d', 'a', 'b.test')]);
    assert.deepEqual(parseAddressList('"x y" (z) <q@w.test>'), [a('x y', 'q', 'w.test')]);
  });

  test('missing parts get placeholders, never NIL (a NIL host means a group)', () => {
    assert.deepEqual(parseAddressList('nohost'), [a(null, 'nohost', MISSING_DOMAIN)]);
    assert.deepEqual(parseAddressList('John Smith'), [a('John Smith', MISSING_MAILBOX, MISSING_DOMAIN)]);
    assert.deepEqual(parseAddressList('<>'), [a(null, MISSING_MAILBOX, MISSING_DOMAIN)]);
    assert.deepEqual(parseAddressList('@bad.test'), [a(null, MISSING_MAILBOX, 'bad.test')]);
    assert.deepEqual(parseAddressList('"" <e@h.test>'), [a(null, 'e', 'h.test')]);
  });

  test('recovering from common mistakes', () => {
    // an unquoted "@" in a display name
    assert.deepEqual(parseAddressList('Mikel@Lindsaar <raasdnil@gmail.test>'), [
      a('Mikel@Lindsaar', 'raasdnil', 'gmail.test'),
    ]);
    // a display name without angle brackets
    assert.deepEqual(parseAddressList('Big Bug bb@bug.test'), [a('Big Bug', 'bb', 'bug.test')]);
    // a missing comma
    assert.deepEqual(parseAddressList('tim@p.test concierge@p.test'), [
      a(null, 'tim', 'p.test'),
      a(null, 'concierge', 'p.test'),
    ]);
    // a@b@c: the last "@" separates the domain
    assert.deepEqual(parseAddressList('develop!nextmime@ebony@sblab.att.test'), [
      a(null, 'develop!nextmime@ebony', 'sblab.att.test'),
    ]);
    // unterminated quoted string, stray brackets
    assert.deepEqual(parseAddressList('"unterminated <x@y.test>'), [
      a('unterminated <x@y.test>', MISSING_MAILBOX, MISSING_DOMAIN),
    ]);
    assert.deepEqual(parseAddressList('>, <a@b.test'), [a(null, 'a', 'b.test')]);
  });

  test('empty lists are null', () => {
    assert.equal(parseAddressList(null), null);
    assert.equal(parseAddressList(''), null);
    assert.equal(parseAddressList(' , ,'), null);
  });
});

describe('buildEnvelope (RFC 3501 §7.4.2)', () => {
  const header = (lines: string[]): Buffer => Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1');

  test('fields are raw and unfolded; sender and reply-to default to from', () => {
    const env = buildEnvelope(
      header([
        'Date: Wed, 17 Jul 1996 02:23:25 -0700 (PDT)',
        'From: Terry Gray <gray@cac.washington.edu>',
        'Subject: IMAP4rev1 WG mtg summary and',
        '  minutes',
        'To: imap@cac.washington.edu',
        'cc: minutes@CNRI.Reston.VA.US, John Klensin <KLENSIN@MIT.EDU>',
        'Message-Id: <B27397-0100000@cac.washington.edu>',
        'In-Reply-To: <parent@example.com>',
      ]),
    );
    assert.equal(env.subject, 'IMAP4rev1 WG mtg summary and  minutes');
    assert.equal(env.date, 'Wed, 17 Jul 1996 02:23:25 -0700 (PDT)');
    assert.deepEqual(env.sender, env.from);
    assert.deepEqual(env.replyTo, env.from);
    assert.deepEqual(env.cc, [a(null, 'minutes', 'CNRI.Reston.VA.US'), a('John Klensin', 'KLENSIN', 'MIT.EDU')]);
    assert.equal(env.bcc, null);
    assert.equal(env.messageId, '<B27397-0100000@cac.washington.edu>');
    assert.equal(env.inReplyTo, '<parent@example.com>');
  });

  test('a present Sender/Reply-To is used; empty ones fall back to From; empty fields are null', () => {
    const env = buildEnvelope(header(['From: a@x.test', 'Sender: s@x.test', 'Reply-To:', 'Subject:', 'To:   ']));
    assert.deepEqual(env.sender, [a(null, 's', 'x.test')]);
    assert.deepEqual(env.replyTo, [a(null, 'a', 'x.test')]);
    assert.equal(env.subject, null);
    assert.equal(env.to, null);
  });

  test('the first of repeated fields wins', () => {
    const env = buildEnvelope(header(['Subject: first', 'Subject: second']));
    assert.equal(env.subject, 'first');
  });

  test('no From: everything null', () => {
    const env = buildEnvelope(header(['X-Other: 1']));
    assert.deepEqual([env.from, env.sender, env.replyTo], [null, null, null]);
  });
});
