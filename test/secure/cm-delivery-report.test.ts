// CM.com status reports (developers.cm.com/messaging/docs/incoming-status-report): the documented
// JSON template filled in, the query-parameter form, and malformed reports refused with a reason.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { UserError } from '../../src/errors.ts';
import { parseCmDeliveryReport, parseCmTime } from '../../src/secure/sms/cm-delivery-report.ts';

/** The documented JSON template with its placeholders filled in. */
function documented(status: { code: unknown; errorCode?: unknown; errorDescription?: unknown }, extra: Record<string, unknown> = {}) {
  return {
    messages: {
      msg: {
        received: '2025-03-04T13:45:30',
        to: '0031612345678',
        reference: 'vc7f3a9e21',
        status: { errorCode: '', errorDescription: '', ...status },
        operator: '20416',
        ...extra,
      },
    },
  };
}

const refusedWith = (pattern: RegExp) => (error: unknown) =>
  error instanceof UserError && error.code === 'BADINPUT' && /^Malformed CM\.com status report: /.test(error.message) && pattern.test(error.message);

describe('parseCmDeliveryReport: JSON', () => {
  it('reads a delivered message', () => {
    assert.deepEqual(parseCmDeliveryReport(documented({ code: '2' })), [
      { reference: 'vc7f3a9e21', status: 'delivered', at: new Date('2025-03-04T13:45:30Z'), detail: null },
    ]);
  });

  it('maps the four status codes', () => {
    const status = (code: unknown) => parseCmDeliveryReport(documented({ code }))[0]!;
    assert.equal(status('0').status, 'pending');
    assert.equal(status('0').detail, 'accepted by the operator');
    assert.equal(status('1').status, 'failed');
    assert.equal(status('2').status, 'delivered');
    assert.equal(status('3').status, 'failed');
    assert.equal(status(2).status, 'delivered'); // a number instead of text
  });

  it('keeps the standard error of a failed message', () => {
    const [report] = parseCmDeliveryReport(documented({ code: '3', errorCode: '5', errorDescription: 'Message not delivered at third party' }));
    assert.equal(report!.status, 'failed');
    assert.equal(report!.detail, 'not delivered (error 5): Message not delivered at third party');
    const [rejected] = parseCmDeliveryReport(documented({ code: 1, errorCode: 39, errorDescription: '' }));
    assert.equal(rejected!.detail, 'rejected by CM.com or the operator (error 39)');
  });

  it('reads a batch, keys in any case, and times with a zone or fraction', () => {
    const reports = parseCmDeliveryReport({
      MESSAGES: {
        MSG: [
          { RECEIVED: '2025-03-04T13:45:30.123Z', TO: '0031612345678', REFERENCE: 'ref1', STATUS: { CODE: '2' } },
          { received: '2025-03-04 14:45:30+01:00', to: '0031612345679', reference: 'ref2', status: { code: '3', errorCode: '8', errorDescription: 'Message expired' } },
        ],
      },
    });
    assert.deepEqual(reports, [
      { reference: 'ref1', status: 'delivered', at: new Date('2025-03-04T13:45:30.123Z'), detail: null },
      { reference: 'ref2', status: 'failed', at: new Date('2025-03-04T13:45:30Z'), detail: 'not delivered (error 8): Message expired' },
    ]);
  });
});

describe('parseCmDeliveryReport: query parameters', () => {
  it('reads a GET / form-encoded report', () => {
    const query = { sent: '2025-03-04T13:45:00', received: '2025-03-04T13:45:30', to: '0031612345678', reference: 'ref9', statuscode: '2', errorcode: '', errordescription: '' };
    assert.deepEqual(parseCmDeliveryReport(query), [{ reference: 'ref9', status: 'delivered', at: new Date('2025-03-04T13:45:30Z'), detail: null }]);
  });

  it('falls back to "sent" for the time and reads upper-case names', () => {
    const [report] = parseCmDeliveryReport({ SENT: '2025-03-04T13:45:00', REFERENCE: 'ref9', STATUSCODE: '1', ERRORCODE: '21', ERRORDESCRIPTION: 'Unknown subscriber' });
    assert.deepEqual(report, { reference: 'ref9', status: 'failed', at: new Date('2025-03-04T13:45:00Z'), detail: 'rejected by CM.com or the operator (error 21): Unknown subscriber' });
  });

  it('refuses a parameter given twice', () => {
    assert.throws(() => parseCmDeliveryReport({ reference: ['a', 'b'], statuscode: '2', received: '2025-03-04T13:45:30' }), refusedWith(/more than once/));
  });
});

describe('parseCmDeliveryReport: malformed reports', () => {
  const cases: Array<[string, unknown, RegExp]> = [
    ['nothing', undefined, /not a JSON object/],
    ['null', null, /not a JSON object/],
    ['a list', [1, 2], /not a JSON object/],
    ['XML', '<MESSAGES><MSG RECEIVED="2025-03-04T13:45:30"></MSG></MESSAGES>', /XML status reports are not supported/],
    ['text', 'hello', /not a JSON object/],
    ['an empty object', {}, /expected a "messages" object/],
    ['messages not an object', { messages: 'x' }, /"messages" must be an object/],
    ['no msg', { messages: {} }, /"messages.msg" is missing/],
    ['empty msg list', { messages: { msg: [] } }, /"messages.msg" is empty/],
    ['msg not an object', { messages: { msg: 42 } }, /messages.msg must be an object/],
    ['no status', { messages: { msg: { reference: 'r', received: '2025-03-04T13:45:30' } } }, /status must be an object/],
    ['no reference', documented({ code: '2' }, { reference: '' }), /reference is missing/],
    ['a reference that is no reference', documented({ code: '2' }, { reference: 'a b' }), /is not one of ours/],
    ['an object as reference', documented({ code: '2' }, { reference: { x: 1 } }), /reference must be text or a number/],
    ['no status code', documented({ code: '' }), /status code is missing/],
    ['unknown status code', documented({ code: '7' }), /unknown status code "7"/],
    ['no time', documented({ code: '2' }, { received: undefined }), /time \("received"\) is missing/],
    ['a bad time', documented({ code: '2' }, { received: 'yesterday' }), /"yesterday" is not a date and time/],
    ['an impossible date', documented({ code: '2' }, { received: '2025-02-30T10:00:00' }), /not a date and time/],
    ['a bad error code', documented({ code: '3', errorCode: 'E5' }), /error code "E5" is not a number/],
    ['a batch item without status', { messages: { msg: [documented({ code: '2' }).messages.msg, { reference: 'x' }] } }, /messages\.msg\[1\]\.status/],
  ];
  for (const [what, input, pattern] of cases) {
    it(`refuses ${what}`, () => assert.throws(() => parseCmDeliveryReport(input), refusedWith(pattern)));
  }

  it('refuses an oversized batch', () => {
    const msg = Array.from({ length: 1001 }, () => documented({ code: '2' }).messages.msg);
    assert.throws(() => parseCmDeliveryReport({ messages: { msg } }), refusedWith(/more than 1000/));
  });
});

describe('parseCmTime', () => {
  it('reads CM.com times, UTC unless a zone is given', () => {
    assert.deepEqual(parseCmTime('2009-06-15T13:45:30'), new Date('2009-06-15T13:45:30Z'));
    assert.deepEqual(parseCmTime('2009-06-15 13:45:30.5'), new Date('2009-06-15T13:45:30.500Z'));
    assert.deepEqual(parseCmTime('2009-06-15T13:45:30-0200'), new Date('2009-06-15T15:45:30Z'));
    assert.equal(parseCmTime('2009-06-15'), null);
    assert.equal(parseCmTime('2009-06-15T24:00:00'), null);
    assert.equal(parseCmTime('15-06-2009 13:45:30'), null);
  });
});
