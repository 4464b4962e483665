// Mobile numbers for Viewer access codes (SPEC R14, R15): the forms people type, refusals with a
// clear reason, and the masked form the Viewer shows.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { isDutchMobile, maskMobile, normaliseMobile } from '../../src/secure/phone.ts';

describe('normaliseMobile', () => {
  it('accepts the ways people type a Dutch mobile number', () => {
    for (const typed of [
      '0612345678',
      '06-12345678',
      '06 1234 5678',
      '06.12.34.56.78',
      '+31612345678',
      '0031612345678',
      '+31 (0)6 12345678',
      '+31(0)612345678',
      '+31 6 12345678',
      ' 06-12345678 ',
      '(06) 12345678',
      '06\u201312345678', // en dash from a word processor
      '06\u00a012345678', // non-breaking space
    ]) {
      assert.deepEqual(normaliseMobile(typed), { e164: '+31612345678', dutch: true }, typed);
    }
  });

  it('accepts foreign mobile numbers in international form', () => {
    const cases: Array<[string, string]> = [
      ['+4915123456789', '+4915123456789'],
      ['+49 151 23456789', '+4915123456789'],
      ['+447400123456', '+447400123456'],
      ['0044 7400 123456', '+447400123456'],
      ['+32 470 12 34 56', '+32470123456'],
      ['+33 6 12 34 56 78', '+33612345678'],
      // North America does not tell mobile from fixed numbers: accepted.
      ['+1 201 555 0123', '+12015550123'],
    ];
    for (const [typed, e164] of cases) assert.deepEqual(normaliseMobile(typed), { e164, dutch: false }, typed);
  });

  it('reads national numbers in the given default country', () => {
    assert.deepEqual(normaliseMobile('0151 23456789', 'DE'), { e164: '+4915123456789', dutch: false });
    assert.deepEqual(normaliseMobile('07400 123456', 'GB'), { e164: '+447400123456', dutch: false });
  });

  const refusals: Array<[string, RegExp]> = [
    ['', /No mobile number/],
    ['   ', /No mobile number/],
    ['abc', /not a phone number/],
    ['06-1234567x', /not a phone number/],
    ['0612345678 ext 3', /not a phone number/],
    ['0800-FLOWERS', /not a phone number/],
    ['06123', /too short/],
    ['+31 6 1234', /too short/],
    ['061234567890', /not a valid phone number/],
    ['+999 123456789', /not a valid phone number/],
    ['++31612345678', /not a phone number|not a valid/],
    ['1'.repeat(41), /not a phone number/],
    // Dutch numbers that are not personal mobiles
    ['0201234567', /landline number, not a Dutch mobile number/],
    ['020-123 4567', /landline number/],
    ['+31201234567', /landline number/],
    ['0800 1234567', /free-phone number/],
    ['08001234', /free-phone number/],
    ['0900 1234567', /premium-rate number/],
    ['0881234567', /company number/],
    ['0661234567', /pager number/],
    ['097012345678', /machine-to-machine number/],
    // foreign landlines
    ['+49 30 1234567', /landline number, not a mobile number/],
    ['+44 20 7946 0018', /landline number/],
  ];
  for (const [typed, message] of refusals) {
    it(`refuses ${JSON.stringify(typed.length > 20 ? `${typed.slice(0, 20)}…` : typed)}`, () => {
      assert.throws(
        () => normaliseMobile(typed),
        (error: unknown) => error instanceof UserError && error.code === 'BADINPUT' && message.test(error.message),
      );
    });
  }
});

describe('isDutchMobile', () => {
  it('is true for +316 mobile numbers only', () => {
    assert.equal(isDutchMobile('+31612345678'), true);
    assert.equal(isDutchMobile('+31687654321'), true);
    assert.equal(isDutchMobile('+31661234567'), false); // pager range
    assert.equal(isDutchMobile('+31201234567'), false);
    assert.equal(isDutchMobile('+3197012345678'), false);
    assert.equal(isDutchMobile('+4915123456789'), false);
    assert.equal(isDutchMobile('0612345678'), false); // not E.164
    assert.equal(isDutchMobile('+316123456789'), false);
  });
});

describe('maskMobile', () => {
  it('shows only the last four digits', () => {
    assert.equal(maskMobile('+31612345678'), '06-****5678');
    assert.equal(maskMobile('+4915123456789'), '+49 ****6789');
    assert.equal(maskMobile('+447400123456'), '+44 ****3456');
    assert.equal(maskMobile('+12015550123'), '+1 ****0123');
  });

  it('masks whatever comes from the normaliser', () => {
    assert.equal(maskMobile(normaliseMobile('+31 (0)6 1111 2222').e164), '06-****2222');
  });
});
