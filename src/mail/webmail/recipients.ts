// Who the compose screen is writing to: each recipient's class as the secure-send service would route
// it (a dry run of the very plan a send makes, so the screen never says "community" where the send
// would refuse), what the install type asks for mobile numbers (SPEC R14, R17), and address completion
// from the community directory (SPEC R9).
import type { DirectoryService } from '../../directory/directory-service.ts';
import type { RecipientClassifier } from '../../directory/classifier.ts';
import type { Filter } from '../../directory/filter.ts';
import type { DirectoryEntry } from '../../directory/types.ts';
import type { Mailbox } from '../../identity/types.ts';
import type { OrganisationPolicy } from '../../policy/organisation-policy.ts';
import type { PolicyService } from '../../policy/policy-service.ts';
import type { Route, SecureSendService } from '../../secure/secure-send.ts';
import { UserError } from '../../errors.ts';
import type { DirectoryMatch, MobileRule, RecipientCheck, RecipientChecks, RecipientClass } from './types.ts';

export const MAX_CHECKED_RECIPIENTS = 100;
const COMPLETION_LIMIT = 10;
/** A completion that takes longer than this answers with what it found so far. */
const COMPLETION_TIME_MS = 1500;

const ROUTE_CLASS: Record<Route, RecipientClass> = {
  inside: 'community',
  'community-partner': 'community',
  viewer: 'viewer',
  ordinary: 'unsafe',
};

const MOBILE_RULES: Record<OrganisationPolicy['installType'], MobileRule> = {
  'viewer-06-verplicht': 'required',
  'viewer-06-controle': 'asked',
  viewer: 'optional',
  standaard: 'none',
};

export interface RecipientServices {
  secureSend: Pick<SecureSendService, 'previewRoutes'>;
  classifier: Pick<RecipientClassifier, 'classify'>;
  policies: Pick<PolicyService, 'get'>;
  directory: Pick<DirectoryService, 'search' | 'baseDn'>;
}

export async function checkRecipients(
  services: RecipientServices,
  sender: Mailbox,
  addresses: readonly string[],
  secure: { requested: boolean; mobiles?: Record<string, string> },
): Promise<RecipientChecks> {
  if (addresses.length > MAX_CHECKED_RECIPIENTS) throw new UserError('BADINPUT', `At most ${MAX_CHECKED_RECIPIENTS} addresses at a time`);
  const policy = await services.policies.get(sender.orgId);
  const previews = await services.secureSend.previewRoutes(sender, addresses, secure);
  const recipients: RecipientCheck[] = [];
  for (const preview of previews) {
    if (preview.route) {
      recipients.push({
        address: preview.recipient,
        class: ROUTE_CLASS[preview.route.route],
        route: preview.route.route,
        channel: preview.route.channel ?? null,
        reason: preview.route.reason,
        refused: false,
      });
      continue;
    }
    // Refused: the class still says what kind of recipient it is, the reason what to do.
    recipients.push({
      address: preview.recipient,
      class: await refusedClass(services, sender, preview.recipient, secure.requested),
      route: null,
      channel: null,
      reason: preview.refusal ?? 'This recipient cannot be sent to',
      refused: true,
    });
  }
  const secureAvailable = policy.installType !== 'standaard';
  return {
    installType: policy.installType,
    mobile: MOBILE_RULES[policy.installType],
    secureAvailable,
    secureByDefault: secureAvailable && !policy.disableSecurityByDefault,
    alwaysSecure: secureAvailable && policy.automaticallyOverrideSend,
    recipients,
  };
}

async function refusedClass(services: RecipientServices, sender: Mailbox, address: string, secure: boolean): Promise<RecipientClass> {
  try {
    const classification = await services.classifier.classify(sender.address, address);
    if (classification.class === 'community') return 'community';
    return secure ? 'viewer' : 'unsafe';
  } catch (error) {
    if (error instanceof UserError) return 'invalid';
    throw error;
  }
}

/** Up to ten directory entries whose name, address or organisation contains the text (starts with
 * it, for one or two characters: shorter fragments than the index's trigrams match too much). */
export async function completeAddress(directory: RecipientServices['directory'], query: string): Promise<DirectoryMatch[]> {
  const text = query.trim().slice(0, 100);
  if (!text) return [];
  const fragment = (attribute: string): Filter =>
    text.length >= 3
      ? { type: 'substrings', attribute, initial: null, any: [text], final: null }
      : { type: 'substrings', attribute, initial: text, any: [], final: null };
  const filter: Filter = {
    type: 'and',
    filters: [{ type: 'present', attribute: 'mail' }, { type: 'or', filters: ['cn', 'displayName', 'mail', 'o'].map(fragment) }],
  };
  const { entries } = await directory.search({
    baseDn: directory.baseDn,
    scope: 'one',
    filter,
    after: -1,
    limit: COMPLETION_LIMIT,
    deadline: Date.now() + COMPLETION_TIME_MS,
  });
  return entries.flatMap((entry) => {
    const address = value(entry, 'mail');
    if (!address) return [];
    const organisation = value(entry, 'o');
    return [{ name: value(entry, 'displayName') ?? value(entry, 'cn') ?? organisation ?? address, address, organisation, kind: entry.kind }];
  });
}

function value(entry: DirectoryEntry, attribute: string): string | null {
  const found = entry.attributes.find(([name]) => name.toLowerCase() === attribute.toLowerCase());
  return found?.[1][0] ?? null;
}
