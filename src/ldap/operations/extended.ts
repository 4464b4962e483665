// Extended operations (RFC 4511 §4.12): "Who am I?" (RFC 4532); StartTLS is pointless on LDAPS.
import { encodeExtendedResponse, encodeResult } from '../protocol/messages.ts';
import { OID, ResultCode } from '../protocol/types.ts';
import type { OperationHandler } from './context.ts';

export const extended: OperationHandler<'extended'> = async (context, connection, message) => {
  const { name } = message.request;
  const reply = (resultCode: number, diagnosticMessage = '', value?: string) =>
    connection.send(encodeExtendedResponse(message.messageId, { resultCode, diagnosticMessage }, undefined, value));
  if (name === OID.whoAmI) {
    // RFC 4532 §2: an empty authzId for an anonymous session.
    const mailbox = connection.mailbox;
    return reply(ResultCode.success, '', mailbox ? `dn:uid=${mailbox.klantnummer},${context.directory.baseDn}` : '');
  }
  if (name === OID.startTls) return reply(ResultCode.operationsError, 'This connection is already protected by TLS (LDAPS)');
  // RFC 4511 §4.12: an unrecognised requestName is answered with protocolError.
  return reply(ResultCode.protocolError, `Extended operation ${name} is not supported`);
};

/** Add, delete, modify, modify DN and compare: the address book is read-only (SPEC R9). */
export const readOnly: OperationHandler<'unsupported'> = (_context, connection, message) =>
  connection.send(
    encodeResult(message.messageId, message.request.responseTag, {
      resultCode: ResultCode.unwillingToPerform,
      diagnosticMessage: 'The ZorgMail address book is read-only',
    }),
  );

