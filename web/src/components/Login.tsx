import { Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { api, auth } from '../api';

export function Login({ onLoggedIn }: { onLoggedIn: () => void }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const submit = async (e: React.FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api<{ accessToken: string }>('POST', '/authentication', { strategy: 'local', email, password });
      auth.set(res.accessToken);
      onLoggedIn();
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Center h="100%" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" w={380}>
        <form onSubmit={submit}>
          <Stack>
            <Title order={3}>Sign in to Agor</Title>
            <TextInput label="Email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required autoFocus name="email" />
            <PasswordInput label="Password" value={password} onChange={(e) => setPassword(e.currentTarget.value)} required name="password" />
            {error && <Text c="red" size="sm">{error}</Text>}
            <Button type="submit" loading={busy}>Sign in</Button>
            <Text size="xs" c="dimmed">The first admin's password is printed in the daemon's log, or set with AGOR_ADMIN_PASSWORD.</Text>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
