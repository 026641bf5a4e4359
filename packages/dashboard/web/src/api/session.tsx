import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { LoginResult, SessionView } from '../../../src/shared/api';
import { api, ApiError, get, onSessionEnded, setCsrfToken } from './client';

/** What a user types to log in: a password, or an application credential (id and secret). */
export type LoginForm =
  | { method: 'password'; username: string; password: string; project: string; user_domain?: string; project_domain?: string }
  | { method: 'application_credential'; credentials: Record<string, { id: string; secret: string }> };

interface SessionState {
  session: SessionView | null;
  loading: boolean;
  login(form: LoginForm): Promise<LoginResult>;
  logout(): Promise<void>;
}

const Ctx = createContext<SessionState | null>(null);

/** The signed-in user's two site sessions (held by the server; the page has only the CSRF token). */
export function SessionProvider({ children }: { children: ReactNode }) {
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ['session'],
    queryFn: async () => {
      try {
        return await get<SessionView>('/api/session');
      } catch (err) {
        if (err instanceof ApiError && err.status === 401) return null;
        throw err;
      }
    },
    retry: false,
    staleTime: Infinity,
  });
  const session = q.data ?? null;
  useEffect(() => setCsrfToken(session?.csrf_token ?? null), [session]);
  useEffect(() => onSessionEnded(() => qc.setQueryData(['session'], null)), [qc]);

  const loginM = useMutation({
    mutationFn: (form: LoginForm) => api<LoginResult>('POST', '/api/login', form),
    onSuccess: (r) => {
      setCsrfToken(r.csrf_token);
      qc.setQueryData(['session'], r);
    },
  });
  const logoutM = useMutation({
    mutationFn: () => api<void>('POST', '/api/logout'),
    onSettled: () => {
      setCsrfToken(null);
      qc.clear();
      qc.setQueryData(['session'], null);
    },
  });

  const state: SessionState = {
    session,
    loading: q.isPending,
    login: (form) => loginM.mutateAsync(form),
    logout: () => logoutM.mutateAsync(),
  };
  return <Ctx.Provider value={state}>{children}</Ctx.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(Ctx);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
