import { Alert, AppShell, Center, Loader } from '@mantine/core';
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError, auth } from './api';
import { BoardView } from './components/BoardView';
import { Header } from './components/Header';
import { Login } from './components/Login';
import { realtime } from './realtime';
import type { User } from './types';

export interface Health { isolation?: string; store?: string; version?: string }

export function App() {
  const [me, setMe] = useState<User | null | undefined>(undefined);
  const [health, setHealth] = useState<Health>({});
  const [boardId, setBoardId] = useState<string | null>(() => new URLSearchParams(location.search).get('board'));

  const loadMe = useCallback(async () => {
    try {
      setMe(await api<User>('GET', '/users/me'));
      realtime.connect();
    } catch (err) {
      if (err instanceof ApiError && err.status === 401) setMe(null);
      else throw err;
    }
  }, []);

  useEffect(() => {
    void loadMe();
    void api<Health>('GET', '/health').then(setHealth);
  }, [loadMe]);

  const chooseBoard = (id: string | null) => {
    setBoardId(id);
    const url = new URL(location.href);
    if (id) url.searchParams.set('board', id); else url.searchParams.delete('board');
    history.replaceState(null, '', url);
  };

  if (me === undefined) return <Center h="100%"><Loader /></Center>;
  if (me === null) return <Login onLoggedIn={loadMe} />;
  return (
    <AppShell header={{ height: 56 }} padding={0}>
      <AppShell.Header>
        <Header me={me} boardId={boardId} onBoard={chooseBoard} onMe={setMe} onLogout={() => { auth.set(null); location.reload(); }} />
      </AppShell.Header>
      <AppShell.Main style={{ height: '100vh', display: 'flex', flexDirection: 'column' }}>
        {health.isolation === 'none' && (
          <Alert color="orange" radius={0} py={6} title={null} data-testid="isolation-banner">
            Isolation is off: agents run as plain processes with the daemon's rights (no Docker engine). Fine for one person on one machine; start Docker for a team.
          </Alert>
        )}
        <div style={{ flex: 1, minHeight: 0, paddingTop: 56 }}>
          <BoardView me={me} boardId={boardId} onBoard={chooseBoard} />
        </div>
      </AppShell.Main>
    </AppShell>
  );
}
