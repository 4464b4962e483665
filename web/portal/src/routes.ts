// The portal's paths (served by src/web/portal/portal-routes.ts PAGES): parsed into a route, and
// changed with the History API so the back button and bookmarks work.
export type Route =
  | { page: 'home' }
  | { page: 'login' }
  | { page: 'invite' }
  | { page: 'mailboxes' }
  | { page: 'mailbox'; id: number }
  | { page: 'account' }
  | { page: 'admin' }
  | { page: 'mail'; id: number; folder: string | null };

export function parseRoute(pathname: string): Route {
  const parts = pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const id = Number(parts[1]);
  const validId = Number.isSafeInteger(id) && id > 0;
  switch (parts[0]) {
    case undefined:
      return { page: 'home' };
    case 'login':
      return { page: 'login' };
    case 'invite':
      return { page: 'invite' };
    case 'account':
      return { page: 'account' };
    case 'admin':
      return { page: 'admin' };
    case 'mailboxes':
      return validId ? { page: 'mailbox', id } : { page: 'mailboxes' };
    case 'mail':
      return validId ? { page: 'mail', id, folder: parts.slice(2).join('/') || null } : { page: 'home' };
    default:
      return { page: 'home' };
  }
}

export function pathOf(route: Route): string {
  switch (route.page) {
    case 'home':
      return '/';
    case 'mailbox':
      return `/mailboxes/${route.id}`;
    case 'mail':
      return `/mail/${route.id}${route.folder ? `/${route.folder.split('/').map(encodeURIComponent).join('/')}` : ''}`;
    default:
      return `/${route.page}`;
  }
}
