// The upload limits checked in the browser before anything is sent, so the reader hears at once
// which file is too large instead of after a long upload (the server checks them again).
export interface AttachmentLimits {
  fileBytes: number;
  files: number;
  totalBytes: number;
}

export type AttachmentRefusal =
  { reason: 'file-too-large'; name: string } | { reason: 'too-many-files' } | { reason: 'total-too-large' };

/** The chosen files with `added`, or why they cannot be added. */
export function addAttachments(
  chosen: readonly File[],
  added: readonly File[],
  limits: AttachmentLimits,
): { ok: true; files: File[] } | ({ ok: false } & AttachmentRefusal) {
  const tooLarge = added.find((file) => file.size > limits.fileBytes);
  if (tooLarge) return { ok: false, reason: 'file-too-large', name: tooLarge.name };
  const files = [...chosen, ...added];
  if (files.length > limits.files) return { ok: false, reason: 'too-many-files' };
  if (files.reduce((sum, file) => sum + file.size, 0) > limits.totalBytes)
    return { ok: false, reason: 'total-too-large' };
  return { ok: true, files };
}
