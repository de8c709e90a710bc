import { useEffect, useState } from 'react';
import { get } from './api.ts';

const POLL_MS = 30_000;
/** Polls stop this long after the last key press, tap or scroll (see below). */
const ACTIVE_WINDOW_MS = 2 * 60_000;
const INBOX_CHANGED = 'wangge:inbox-changed';

/** Tells the header badge to count again (after marking messages read). */
export function inboxChanged(): void {
  window.dispatchEvent(new Event(INBOX_CHANGED));
}

/**
 * The number of unread in-app messages, polled every 30 s. Every request moves the session's idle
 * clock on the server, so polling only goes on while the tab is visible and the user has done
 * something in the last two minutes (or the idle timeout, if shorter): an unattended screen still
 * times out. Coming back to the tab or using the page again counts at once.
 */
export function useUnreadCount(idleTimeoutMinutes: number | undefined): number | null {
  const [count, setCount] = useState<number | null>(null);
  useEffect(() => {
    let live = true;
    let lastActive = Date.now();
    let lastPoll = 0;
    const activeWindow = Math.min(ACTIVE_WINDOW_MS, Math.max(1, idleTimeoutMinutes ?? 30) * 60_000 * 0.5);
    const refresh = () => {
      if (document.hidden) return;
      lastPoll = Date.now();
      get<{ count: number }>('/api/inbox/unread-count')
        .then((r) => live && setCount(r.count))
        .catch(() => undefined);
    };
    const tick = () => {
      if (Date.now() - lastActive <= activeWindow) refresh();
    };
    const onActivity = () => {
      const now = Date.now();
      lastActive = now;
      // Back after a pause: the count may be stale.
      if (now - lastPoll > POLL_MS) refresh();
    };
    const onVisible = () => {
      if (!document.hidden) onActivity();
    };
    refresh();
    const timer = window.setInterval(tick, POLL_MS);
    const events = ['pointerdown', 'keydown', 'wheel', 'touchstart'] as const;
    for (const e of events) window.addEventListener(e, onActivity, { passive: true });
    document.addEventListener('visibilitychange', onVisible);
    window.addEventListener(INBOX_CHANGED, refresh);
    return () => {
      live = false;
      window.clearInterval(timer);
      for (const e of events) window.removeEventListener(e, onActivity);
      document.removeEventListener('visibilitychange', onVisible);
      window.removeEventListener(INBOX_CHANGED, refresh);
    };
  }, [idleTimeoutMinutes]);
  return count;
}
