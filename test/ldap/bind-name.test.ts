// Which bind names log in (RFC 4513 §5.1.3 simple bind; the manual's chapter 3 user name).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loginName } from '../../src/ldap/operations/bind.ts';

const BASE = 'ou=se,dc=zorgmail';

describe('LDAP bind names', () => {
  it('takes the manual’s uid=<klantnummer>, with or without the search base', () => {
    assert.equal(loginName('uid=500123456', BASE), '500123456');
    assert.equal(loginName('UID=500123456, OU=SE, DC=ZorgMail', BASE), '500123456');
    assert.equal(loginName('userid=500123456', BASE), '500123456', 'RFC 4519 alias');
  });

  it('forgives what people copy from the manual or forget', () => {
    assert.equal(loginName('uid=’500123456‘', BASE), '500123456', 'the manual’s quotes');
    assert.equal(loginName(" uid='500123456' ", BASE), '500123456');
    assert.equal(loginName('500123456', BASE), '500123456', 'no uid=');
    assert.equal(loginName('j.jansen@delinde.nl', BASE), 'j.jansen@delinde.nl');
    assert.equal(loginName('uid=j.jansen@delinde.nl', BASE), 'j.jansen@delinde.nl');
  });

  it('refuses names that are not ours', () => {
    assert.equal(loginName('cn=admin,dc=example,dc=com', BASE), null);
    assert.equal(loginName('uid=500123456,ou=other,dc=zorgmail', BASE), null);
    assert.equal(loginName('uid=,ou=se,dc=zorgmail', BASE), null);
    assert.equal(loginName('uid=5001\\', BASE), null);
    assert.equal(loginName('12345', BASE), null);
  });
});
