// An organisation's secure-send policy (SPEC R14, R16, R17, R18): the install type, how long Viewer
// messages live, the subject triggers, and the manual's add-in settings under their registry
// names. One zod schema gives the defaults, validation and the JSON shape of CLI and API alike.
import { z } from 'zod';
import { INSTALL_TYPES, type InstallType } from '../secure/types.ts';

const trigger = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[\p{L}\p{N}][\p{L}\p{N}_-]{0,30}$/u, 'a trigger keyword is one word of letters, digits, "-" or "_" (at most 31)');

export const organisationPolicySchema = z
  .object({
    installType: z.enum(INSTALL_TYPES).default('viewer-06-controle'),
    /** SPEC R15: Viewer messages are kept this long, then their content is deleted. */
    retentionDays: z.number().int().min(1).max(3650).default(90),
    /** SPEC R16: `[veilig]` / `[secure]` in the subject, case-insensitive. */
    triggers: z.array(trigger).min(1).max(10).default(['veilig', 'secure']),
    /** R18 registry names. AutomaticallyOverrideSend: every external send goes through the Viewer. */
    automaticallyOverrideSend: z.boolean().default(false),
    /** R17: lets unsafe external sends through (each use audit-logged). */
    disableSecurityByDefault: z.boolean().default(false),
    doNotShowConfirmation: z.boolean().default(false),
    doNotShowUnsafeConfirmation: z.boolean().default(false),
    enableAutoUpdate: z.boolean().default(false),
    languageSetting: z.enum(['Dutch', 'English', 'German']).default('Dutch'),
    loggingSetting: z.boolean().default(false),
    sms: z
      .object({
        /** Code requests allowed per Viewer message in 24 hours (first send included). */
        maxCodeRequestsPerDay: z.number().int().min(1).max(20).default(5),
      })
      .strict()
      .prefault({}),
    /** SPEC R31: the public page where patients send the practice a secure message. */
    patientChannel: z
      .object({
        enabled: z.boolean().default(false),
        /** The practice mailbox that receives the messages. */
        mailbox: z.string().trim().toLowerCase().email().nullable().default(null),
      })
      .strict()
      .prefault({}),
  })
  .strict();

export type OrganisationPolicy = z.infer<typeof organisationPolicySchema>;

/** A partial update as the CLI and the admin API send it. */
export const policyPatchSchema = organisationPolicySchema.partial().extend({
  sms: organisationPolicySchema.shape.sms.unwrap().partial().optional(),
  patientChannel: organisationPolicySchema.shape.patientChannel.unwrap().partial().optional(),
}).strict();
export type PolicyPatch = z.infer<typeof policyPatchSchema>;

export const DEFAULT_POLICY: OrganisationPolicy = organisationPolicySchema.parse({});

/** What happens to a message for an external recipient sent without asking for secure sending
 * (SPEC R17 at the server: clients without an add-in get no prompt, so the policy decides). */
export type UnsafeSendRule = 'viewer' | 'refuse' | 'allow';

export function unsafeSendRule(policy: OrganisationPolicy): UnsafeSendRule {
  if (policy.installType === 'standaard') return 'allow';
  if (policy.automaticallyOverrideSend) return 'viewer';
  if (policy.disableSecurityByDefault) return 'allow';
  return 'refuse';
}

/** The manual's table (chapter 4.1): which install types may use the Viewer at all. */
export function viewerAllowed(type: InstallType): boolean {
  return type !== 'standaard';
}

/** The manual's registry `Type` values, which differ by plug-in version (chapter 4.4, SPEC R14). */
export function installTypeFromRegistry(value: number, pluginVersion: string): InstallType {
  const [major = 0, minor = 0] = pluginVersion.split('.').map((part) => Number.parseInt(part, 10));
  if (!Number.isFinite(major) || !Number.isFinite(minor) || !/^\d+\.\d+(\.\d+)*$/.test(pluginVersion.trim())) {
    throw new RangeError(`"${pluginVersion}" is not a plug-in version such as 2.10 or 2.11.6`);
  }
  const upTo210 = major < 2 || (major === 2 && minor <= 10);
  const table: Record<number, InstallType | 'ciphermail'> = upTo210
    ? { 1: 'standaard', 2: 'ciphermail', 3: 'viewer', 4: 'viewer-06-controle', 5: 'viewer-06-verplicht' }
    : { 1: 'standaard', 2: 'viewer', 3: 'viewer-06-controle', 4: 'viewer-06-verplicht' };
  const type = table[value];
  if (type === undefined) {
    const known = Object.keys(table).join(', ');
    throw new RangeError(`registry Type ${value} does not exist for plug-in version ${pluginVersion} (known values: ${known})`);
  }
  if (type === 'ciphermail') {
    throw new RangeError('registry Type 2 before plug-in 2.11 is Ciphermail, which Zorgpost does not offer; choose viewer-06-controle or another install type');
  }
  return type;
}
