// Splitting a connection's byte stream into LDAPMessages (RFC 4511 §5.1): every message is one
// definite-length SEQUENCE, so its tag and length octets alone tell how many bytes to wait for. The
// size limit is enforced on the announced length, before a client gets to send (and us to buffer) the
// body.

export type FrameErrorReason = 'not-a-sequence' | 'indefinite-length' | 'length-too-long' | 'message-too-large';

export class FrameError extends Error {
  override name = 'FrameError';
  readonly reason: FrameErrorReason;

  constructor(reason: FrameErrorReason, message: string) {
    super(message);
    this.reason = reason;
  }
}

const SEQUENCE = 0x30;

/**
 * The total length in bytes of the first LDAPMessage in `buffer`, or null when more bytes are
 * needed to know it or to complete it.
 */
export function frameLength(buffer: Buffer, maxBytes: number): number | null {
  if (buffer.length === 0) return null;
  // RFC 4511 §4.1.1: LDAPMessage ::= SEQUENCE.
  if (buffer[0] !== SEQUENCE) {
    throw new FrameError(
      'not-a-sequence',
      `An LDAP message starts with 0x30, not 0x${buffer[0]!.toString(16).padStart(2, '0')}`,
    );
  }
  if (buffer.length < 2) return null;
  const first = buffer[1]!;
  let header = 2;
  let length = first;
  if (first >= 0x80) {
    // RFC 4511 §5.1: only the definite form of length encoding is used.
    if (first === 0x80) throw new FrameError('indefinite-length', 'Indefinite length is not allowed in LDAP');
    const octets = first & 0x7f;
    if (octets > 4) throw new FrameError('length-too-long', `A length of ${octets} octets is too long`);
    header += octets;
    if (buffer.length < header) return null;
    length = 0;
    for (let i = 2; i < header; i++) length = length * 256 + buffer[i]!;
  }
  const total = header + length;
  if (total > maxBytes) {
    throw new FrameError('message-too-large', `Message of ${total} bytes exceeds the limit of ${maxBytes} bytes`);
  }
  return buffer.length >= total ? total : null;
}
