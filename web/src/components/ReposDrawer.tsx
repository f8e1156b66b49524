import { Badge, Button, Drawer, Group, Progress, Stack, Table, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api';
import { realtime } from '../realtime';
import type { Repo, Worktree } from '../types';

export function ReposDrawer({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [repos, setRepos] = useState<Repo[]>([]);
  const [worktrees, setWorktrees] = useState<Worktree[]>([]);
  const [source, setSource] = useState('');
  const [clone, setClone] = useState<{ stage: string; progress: number } | null>(null);
  const [names, setNames] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const load = () => {
    void api<Page<Repo>>('GET', '/repos?$limit=500').then((p) => setRepos(p.data));
    void api<Page<Worktree>>('GET', '/worktrees?$limit=500').then((p) => setWorktrees(p.data));
  };
  useEffect(() => {
    if (!opened) return;
    load();
    return realtime.on((f) => {
      if (f.type === 'event' && f.service === 'repos' && f.data?.data?.clone) setClone(f.data.data.clone);
      if (f.type === 'event' && (f.service === 'repos' || f.service === 'worktrees')) load();
    });
  }, [opened]);
  const run = async (fn: () => Promise<unknown>) => {
    setError(null);
    try { await fn(); load(); } catch (err) { setError((err as Error).message); } finally { setClone(null); }
  };
  return (
    <Drawer opened={opened} onClose={onClose} title="Repos & worktrees" size={620} position="left">
      <Stack>
        <Group align="end">
          <TextInput label="Add a repo" description="A clone URL, or an absolute path on the daemon's machine" placeholder="https://github.com/org/repo.git" style={{ flex: 1 }} value={source} onChange={(e) => setSource(e.currentTarget.value)} />
          <Button disabled={!source} onClick={() => run(async () => { await api('POST', '/repos', source.startsWith('/') ? { path: source } : { url: source }); setSource(''); })}>Add</Button>
        </Group>
        {clone && <Stack gap={2}><Text size="xs">{clone.stage}</Text><Progress value={clone.progress} /></Stack>}
        {error && <Text c="red" size="sm">{error}</Text>}
        {repos.length === 0 && <Text size="sm" c="dimmed">No repos yet. Add one above to create worktrees and sessions.</Text>}
        {repos.map((r) => (
          <Stack key={r.repo_id} gap={6}>
            <Group justify="space-between"><Text fw={600}>{r.name}</Text><Badge variant="light">{r.status}</Badge></Group>
            <Table fz="xs" withRowBorders={false}>
              <Table.Tbody>
                {worktrees.filter((w) => w.repo_id === r.repo_id).map((w) => (
                  <Table.Tr key={w.worktree_id}>
                    <Table.Td>{w.name}</Table.Td><Table.Td>{w.git_state?.branch ?? w.branch}</Table.Td>
                    <Table.Td><Text ff="monospace" size="xs">{w.git_state?.sha.slice(0, 8)}</Text></Table.Td>
                    <Table.Td>{w.git_state?.dirty ? <Badge size="xs" color="orange">dirty</Badge> : <Badge size="xs" color="gray" variant="light">clean</Badge>}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
            <Group>
              <TextInput size="xs" placeholder="new worktree name" value={names[r.repo_id] ?? ''} onChange={(e) => setNames({ ...names, [r.repo_id]: e.currentTarget.value })} />
              <Button size="xs" variant="light" disabled={!names[r.repo_id]} onClick={() => run(async () => { await api('POST', '/worktrees', { repo_id: r.repo_id, name: names[r.repo_id] }); setNames({ ...names, [r.repo_id]: '' }); })}>Create worktree</Button>
            </Group>
          </Stack>
        ))}
      </Stack>
    </Drawer>
  );
}
