// Viewer triggers in the subject (SPEC R16) and the header rewrite that removes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findTrigger } from '../../src/secure/trigger.ts';
import { decodeHeaderValue, rewriteHeader, splitHeader } from '../../src/secure/outgoing-header.ts';
import { firstField } from '../../src/mail/mime/header-fields.ts';

const keywords = ['veilig', 'secure'];

test('the default triggers are found case-insensitively anywhere in the subject and removed', () => {
  assert.deepEqual(findTrigger('[veilig] Uitslag bloedonderzoek', keywords), { mobile: null, subject: 'Uitslag bloedonderzoek' });
  assert.deepEqual(findTrigger('Uitslag [SECURE] van 3 maart', keywords), { mobile: null, subject: 'Uitslag van 3 maart' });
  assert.deepEqual(findTrigger('Re: verwijzing [Veilig]', keywords), { mobile: null, subject: 'Re: verwijzing' });
  assert.deepEqual(findTrigger('[ veilig ]', keywords), { mobile: null, subject: '' });
});

test('a trigger may carry the mobile number in the forms people type', () => {
  assert.deepEqual(findTrigger('[veilig 0612345678] Uitslag', keywords), { mobile: '0612345678', subject: 'Uitslag' });
  assert.deepEqual(findTrigger('Uitslag [secure +31612345678]', keywords), { mobile: '+31612345678', subject: 'Uitslag' });
  assert.equal(findTrigger('[veilig 06-12 34 56 78] x', keywords)?.mobile, '06-12 34 56 78');
  assert.equal(findTrigger('[veilig: +31 (0)6 12345678] x', keywords)?.mobile, '+31 (0)6 12345678');
});

test('look-alikes are not triggers', () => {
  for (const subject of ['veilig', '[veiligheid] rapport', '(veilig) test', '[onveilig]', '[veilig abc]', 'secure', '[securemail]']) {
    assert.equal(findTrigger(subject, keywords), null, subject);
  }
  assert.equal(findTrigger('[veilig]', []), null);
  assert.deepEqual(findTrigger('[privé] x', ['privé']), { mobile: null, subject: 'x' });
  // Keywords are literal text, never a pattern.
  assert.equal(findTrigger('[a.b] x', ['a+b']), null);
});

test('the header is split off a stream without touching the body, and the Subject rewritten in RFC 2047', async () => {
  const raw = Buffer.from(
    'From: a@b.nl\r\nSubject: =?UTF-8?Q?[veilig]_Uitslag_r=C3=B6ntgen?=\r\nX-Zorgpost-Secure: viewer\r\nX-Zorgpost-Mobile: p@x.nl\r\n 0612345678\r\nTo: p@x.nl\r\n\r\nBody line\r\n\r\nmore\r\n',
  );
  async function* chunks() {
    for (let i = 0; i < raw.length; i += 7) yield raw.subarray(i, i + 7);
  }
  const split = await splitHeader(chunks());
  const body: Buffer[] = [];
  for await (const chunk of split.body) body.push(chunk);
  assert.equal(Buffer.concat([split.header, ...body]).toString(), raw.toString());
  const subject = decodeHeaderValue(firstField(split.fields, 'subject')!);
  assert.equal(subject, '[veilig] Uitslag röntgen');
  const trigger = findTrigger(subject, keywords)!;
  const rewritten = rewriteHeader(split.header, { remove: new Set(['x-zorgpost-secure', 'x-zorgpost-mobile']), subject: trigger.subject });
  const text = rewritten.toString('latin1');
  assert.doesNotMatch(text, /X-Zorgpost/i);
  assert.doesNotMatch(text, /0612345678/);
  assert.match(text, /^From: a@b\.nl\r\nSubject: .*\r\nTo: p@x\.nl\r\n\r\n$/s);
  assert.equal(decodeHeaderValue(/Subject: (.*)\r\n/.exec(text)![1]!), 'Uitslag röntgen');
});

test('a message without a body or without an empty line still splits', async () => {
  const headerOnly = await splitHeader(Buffer.from('Subject: x\r\n'));
  assert.equal(firstField(headerOnly.fields, 'subject'), 'x');
  const lf = await splitHeader(Buffer.from('Subject: y\n\nbody\n'));
  assert.equal(lf.header.toString(), 'Subject: y\n\n');
});
