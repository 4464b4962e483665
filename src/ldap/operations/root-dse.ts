// The root DSE (RFC 4512 §5.1): what the server supports, read with an empty base and scope base.
import { OID } from '../protocol/types.ts';

export function rootDseAttributes(baseDn: string): ReadonlyArray<readonly [string, readonly string[]]> {
  return [
    ['objectClass', ['top', 'extensibleObject']],
    ['namingContexts', [baseDn]],
    ['supportedLDAPVersion', ['3']],
    ['supportedControl', [OID.pagedResults]],
    ['supportedExtension', [OID.whoAmI]],
    ['supportedSASLMechanisms', []],
    ['vendorName', ['Zorgpost']],
  ];
}
