// Reads and changes organisation policies. Every change is audit-logged with what changed
// (SPEC R22 "policy changes"); reads fill in defaults, so an organisation without a stored policy
// behaves as the defaults say.
import type { Store } from '../store/store.ts';
import type { Organisation } from '../identity/types.ts';
import type { Actor } from '../identity/identity-service.ts';
import { UserError } from '../errors.ts';
import { DEFAULT_POLICY, organisationPolicySchema, policyPatchSchema, type OrganisationPolicy } from './organisation-policy.ts';

export class PolicyService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async get(orgId: number): Promise<OrganisationPolicy> {
    const stored = await this.#store.policies.get(orgId);
    if (stored === null) return structuredClone(DEFAULT_POLICY);
    // A stored document is ours, but defaults added in later versions must still apply.
    return organisationPolicySchema.parse(JSON.parse(stored));
  }

  async organisation(domain: string): Promise<Organisation> {
    const org = await this.#store.accounts.findOrganisation({ domain: domain.trim().toLowerCase() });
    if (!org) throw new UserError('NONEXISTENT', `No organisation with domain ${domain}`);
    return org;
  }

  /** Applies a partial change; unknown keys and bad values are refused with the reason. */
  async update(orgId: number, patch: unknown, by: Actor): Promise<OrganisationPolicy> {
    const parsedPatch = policyPatchSchema.safeParse(patch);
    if (!parsedPatch.success) throw new UserError('BADINPUT', describeIssues(parsedPatch.error.issues));
    const before = await this.get(orgId);
    const merged = {
      ...before,
      ...parsedPatch.data,
      sms: { ...before.sms, ...parsedPatch.data.sms },
      patientChannel: { ...before.patientChannel, ...parsedPatch.data.patientChannel },
    };
    const parsed = organisationPolicySchema.safeParse(merged);
    if (!parsed.success) throw new UserError('BADINPUT', describeIssues(parsed.error.issues));
    const after = parsed.data;
    if (after.patientChannel.enabled && after.installType === 'standaard') {
      throw new UserError('BADINPUT', 'patientChannel: the patient page answers through the Viewer, which install type standaard does not include');
    }
    if (after.patientChannel.enabled && !after.patientChannel.mailbox) {
      throw new UserError('BADINPUT', 'patientChannel.mailbox: the patient channel needs the practice mailbox that receives the messages');
    }
    if (after.patientChannel.mailbox) {
      const mailbox = await this.#store.accounts.findMailbox({ address: after.patientChannel.mailbox });
      if (!mailbox || mailbox.orgId !== orgId) {
        throw new UserError('BADINPUT', `patientChannel.mailbox: ${after.patientChannel.mailbox} is not a mailbox of this organisation`);
      }
    }
    await this.#store.policies.put(orgId, JSON.stringify(after), {
      actor: by.actor,
      action: 'policy.change',
      remoteAddress: by.remoteAddress ?? null,
      detail: { orgId, changed: changes(before, after) },
    });
    return after;
  }
}

function describeIssues(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues.map((issue) => `${issue.path.map(String).join('.') || 'policy'}: ${issue.message}`).join('; ');
}

function changes(before: OrganisationPolicy, after: OrganisationPolicy): Record<string, { from: unknown; to: unknown }> {
  const result: Record<string, { from: unknown; to: unknown }> = {};
  for (const key of Object.keys(after) as Array<keyof OrganisationPolicy>) {
    if (JSON.stringify(before[key]) !== JSON.stringify(after[key])) result[key] = { from: before[key], to: after[key] };
  }
  return result;
}
