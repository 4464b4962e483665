// The folder list with unread counts (the count is part of each link's name, so a screen reader
// hears it too); special folders first, in the server's order, named in the reader's language.
import type { FolderJson } from '../../../../src/web/webmail/wire.ts';
import { useMailTexts } from './mail-context.ts';
import type { MailTexts } from './mail-texts.ts';

export function folderLabel(folder: FolderJson, m: MailTexts): string {
  return m.folderNames[folder.name] ?? folder.name.split('/').join(' / ');
}

interface Props {
  folders: FolderJson[];
  current: FolderJson | null;
  onSelect: (folder: FolderJson) => void;
}

export function FolderPane({ folders, current, onSelect }: Props) {
  const m = useMailTexts();
  return (
    <nav className="folder-pane" aria-label={m.folders}>
      <ul>
        {folders.map((folder) => (
          <li key={folder.id}>
            <a
              href={`#${encodeURIComponent(folder.name)}`}
              aria-current={folder.id === current?.id ? 'page' : undefined}
              onClick={(event) => {
                event.preventDefault();
                onSelect(folder);
              }}
            >
              <span className="folder-name">{folderLabel(folder, m)}</span>
              {folder.unread > 0 && (
                <span className="unread-count">
                  <span aria-hidden="true">{folder.unread}</span>
                  <span className="visually-hidden">{m.unreadCount(folder.unread)}</span>
                </span>
              )}
            </a>
          </li>
        ))}
      </ul>
    </nav>
  );
}
