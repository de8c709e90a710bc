import type { Me, Permission } from '@wangge/shared';
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, ApiError, UNAUTHENTICATED_EVENT } from './api.ts';

interface Auth {
  /** undefined while loading, null when logged out. */
  me: Me | null | undefined;
  sessionExpired: boolean;
  login: (username: string, password: string) => Promise<Me>;
  logout: () => Promise<void>;
  setMe: (me: Me) => void;
  can: (...permissions: Permission[]) => boolean;
}

const AuthContext = createContext<Auth | null>(null);

export function AuthProvider({ children }: { children: ReactNode }) {
  const [me, setMeState] = useState<Me | null | undefined>(undefined);
  const [sessionExpired, setSessionExpired] = useState(false);

  useEffect(() => {
    api<Me>('GET', '/api/auth/me')
      .then(setMeState)
      .catch((err) => {
        if (err instanceof ApiError && err.status === 401) setMeState(null);
        else setMeState(null);
      });
    const onUnauthenticated = (e: Event) => {
      setSessionExpired((e as CustomEvent<string>).detail === 'SESSION_EXPIRED');
      setMeState(null);
    };
    window.addEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
    return () => window.removeEventListener(UNAUTHENTICATED_EVENT, onUnauthenticated);
  }, []);

  const login = useCallback(async (username: string, password: string) => {
    const result = await api<Me>('POST', '/api/auth/login', { username, password });
    setSessionExpired(false);
    setMeState(result);
    return result;
  }, []);

  const logout = useCallback(async () => {
    await api('POST', '/api/auth/logout').catch(() => undefined);
    setMeState(null);
  }, []);

  const can = useCallback(
    (...permissions: Permission[]) => !!me && permissions.some((p) => me.permissions.includes(p)),
    [me],
  );

  const value = useMemo(
    () => ({ me, sessionExpired, login, logout, setMe: setMeState, can }),
    [me, sessionExpired, login, logout, can],
  );
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
