import { useEffect, useRef } from 'react';
import { useApi } from './query.tsx';

const POLL_MS = 30_000;
/** Polls stop this long after the last key press, tap or scroll (see below). */
const ACTIVE_WINDOW_MS = 2 * 60_000;
/** The count's address: under `/api/inbox`, so refreshing the inbox refreshes the badge. */
export const UNREAD_COUNT = '/api/inbox/unread-count';

/**
 * The number of unread in-app messages, polled every 30 s. Every request moves the session's idle
 * clock on the server, so polling only goes on while the tab is visible and the user has done
 * something in the last two minutes (or the idle timeout, if shorter): an unattended screen still
 * times out. Coming back to the tab or using the page again counts at once.
 */
export function useUnreadCount(idleTimeoutMinutes: number | undefined): number | null {
  const lastActive = useRef(Date.now());
  const activeWindow = Math.min(ACTIVE_WINDOW_MS, Math.max(1, idleTimeoutMinutes ?? 30) * 60_000 * 0.5);
  const active = () => !document.hidden && Date.now() - lastActive.current <= activeWindow;
  const unread = useApi<{ count: number }>(UNREAD_COUNT, {
    staleTime: 0,
    // Asked again after every answer: while the user is away the polling stops, and the next
    // activity (below) loads the count and starts it again.
    refetchInterval: () => (active() ? POLL_MS : false),
  });
  const { refetch, dataUpdatedAt } = unread;
  const lastPoll = useRef(dataUpdatedAt);
  lastPoll.current = dataUpdatedAt;

  useEffect(() => {
    const onActivity = () => {
      lastActive.current = Date.now();
      // Back after a pause: the count may be stale.
      if (!document.hidden && Date.now() - lastPoll.current > POLL_MS) void refetch();
    };
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, onActivity, { passive: true });
    document.addEventListener('visibilitychange', onActivity);
    return () => {
      for (const e of events) window.removeEventListener(e, onActivity);
      document.removeEventListener('visibilitychange', onActivity);
    };
  }, [refetch]);
  return unread.data?.count ?? null;
}
