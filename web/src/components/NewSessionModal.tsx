import { Button, Modal, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api';
import type { Session, Worktree } from '../types';

export function NewSessionModal({ opened, onClose, boardId, onCreated, defaultAgent }: { opened: boolean; onClose: () => void; boardId: string; onCreated: (id: string) => void; defaultAgent: string }) {
  const [worktrees, setWorktrees] = useState<Worktree[]>([]);
  const [worktree, setWorktree] = useState<string | null>(null);
  const [title, setTitle] = useState('');
  const [agent, setAgent] = useState<string>(defaultAgent);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!opened) return;
    void api<Page<Worktree>>('GET', '/worktrees?$limit=500').then((p) => { setWorktrees(p.data); setWorktree((w) => w ?? p.data[0]?.worktree_id ?? null); });
  }, [opened]);
  const create = async () => {
    try {
      const s = await api<Session>('POST', '/sessions', { worktree_id: worktree, board_id: boardId, title, agentic_tool: agent });
      setTitle('');
      onCreated(s.session_id);
    } catch (err) {
      setError((err as Error).message);
    }
  };
  return (
    <Modal opened={opened} onClose={onClose} title="New session">
      <Stack>
        {worktrees.length === 0 && <Text size="sm" c="dimmed">No worktree yet: open “Repos &amp; worktrees” to add a repo and create one.</Text>}
        <Select label="Worktree" data={worktrees.map((w) => ({ value: w.worktree_id, label: `${w.name} (${w.branch})` }))} value={worktree} onChange={setWorktree} data-testid="session-worktree" />
        <TextInput label="Title" value={title} onChange={(e) => setTitle(e.currentTarget.value)} placeholder="What is this session for?" data-testid="session-title" />
        <Select label="Agent" data={['claude-code', 'codex', 'gemini']} value={agent} onChange={(v) => setAgent(v ?? 'claude-code')} allowDeselect={false} />
        {error && <Text c="red" size="sm">{error}</Text>}
        <Button onClick={create} disabled={!worktree} data-testid="create-session">Create session</Button>
      </Stack>
    </Modal>
  );
}
