/**
 * The gateway's download links: `/files/{kind}/{global id}`, served by src/http/routes/files.ts (one opener per
 * kind there) and written into answers by the resolvers of the fields that lead to them (`downloadUrl`,
 * `errorFileUrl`, `Recording.url`). One list of kinds, so a link and its route cannot drift apart.
 */
export type FileKindName = 'contact-upload-errors' | 'recordings' | 'queue-settings-versions' | 'lead-import-errors';

/** The path of a download: the kind, the node's global id (percent-encoded) and any query parameters. */
export function filePath(kind: FileKindName, globalId: string, query: Readonly<Record<string, string>> = {}): string {
  const search = new URLSearchParams(query).toString();
  return `/files/${kind}/${encodeURIComponent(globalId)}${search ? `?${search}` : ''}`;
}
