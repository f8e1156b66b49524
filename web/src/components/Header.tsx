import { ActionIcon, Avatar, Button, Code, Group, Menu, Modal, Select, Stack, Text, TextInput, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api';
import { realtime } from '../realtime';
import type { Board, User } from '../types';
import { SettingsModal } from './SettingsModal';

export function Header({ me, boardId, onBoard, onMe, onLogout }: { me: User; boardId: string | null; onBoard: (id: string | null) => void; onMe: (u: User) => void; onLogout: () => void }) {
  const [boards, setBoards] = useState<Board[]>([]);
  const [creating, setCreating] = useState(false);
  const [name, setName] = useState('');
  const [profile, setProfile] = useState(false);
  const [tokens, setTokens] = useState(false);
  const [settings, setSettings] = useState(false);

  useEffect(() => {
    void api<Page<Board>>('GET', '/boards?$limit=500').then((p) => {
      setBoards(p.data);
      if (!boardId && p.data[0]) onBoard(p.data[0].board_id);
    });
    const off = realtime.on((f) => {
      if (f.type !== 'event' || f.service !== 'boards') return;
      setBoards((list) => (f.event === 'removed' ? list.filter((b) => b.board_id !== f.data.board_id)
        : [...list.filter((b) => b.board_id !== f.data.board_id), f.data].sort((a, b) => a.created_at.localeCompare(b.created_at))));
    });
    const unsub = realtime.subscribe(['*']);
    return () => { off(); unsub(); };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, []);

  const create = async () => {
    const board = await api<Board>('POST', '/boards', { name });
    setCreating(false);
    setName('');
    onBoard(board.board_id);
  };

  return (
    <Group h="100%" px="md" justify="space-between" wrap="nowrap">
      <Group gap="sm" wrap="nowrap">
        <Title order={4} style={{ letterSpacing: -0.5 }}>Agor</Title>
        <Select
          data-testid="board-select" placeholder="Choose a board" w={240} size="sm" value={boardId}
          data={boards.map((b) => ({ value: b.board_id, label: b.name }))} onChange={(v) => onBoard(v)} allowDeselect={false}
        />
        <Button size="xs" variant="light" onClick={() => setCreating(true)}>New board</Button>
      </Group>
      <Menu position="bottom-end" width={220}>
        <Menu.Target>
          <Button variant="subtle" leftSection={<span style={{ fontSize: 18 }}>{me.emoji}</span>} data-testid="user-menu">{me.name}</Button>
        </Menu.Target>
        <Menu.Dropdown>
          <Menu.Label>{me.email}</Menu.Label>
          <Menu.Item onClick={() => setProfile(true)}>Name and emoji</Menu.Item>
          <Menu.Item onClick={() => setTokens(true)}>API tokens</Menu.Item>
          <Menu.Item onClick={() => setSettings(true)}>Settings</Menu.Item>
          <Menu.Divider />
          <Menu.Item color="red" onClick={onLogout}>Log out</Menu.Item>
        </Menu.Dropdown>
      </Menu>
      <Modal opened={creating} onClose={() => setCreating(false)} title="New board">
        <Stack>
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} data-autofocus onKeyDown={(e) => e.key === 'Enter' && name && void create()} />
          <Button onClick={create} disabled={!name}>Create</Button>
        </Stack>
      </Modal>
      <ProfileModal opened={profile} me={me} onClose={() => setProfile(false)} onSaved={onMe} />
      <TokensModal opened={tokens} onClose={() => setTokens(false)} />
      <SettingsModal opened={settings} onClose={() => setSettings(false)} me={me} onMe={onMe} />
    </Group>
  );
}

function ProfileModal({ opened, me, onClose, onSaved }: { opened: boolean; me: User; onClose: () => void; onSaved: (u: User) => void }) {
  const [name, setName] = useState(me.name);
  const [emoji, setEmoji] = useState(me.emoji);
  return (
    <Modal opened={opened} onClose={onClose} title="You, as others see you">
      <Stack>
        <Group align="end"><Avatar size="lg">{emoji}</Avatar><TextInput label="Emoji" value={emoji} onChange={(e) => setEmoji(e.currentTarget.value)} w={90} /></Group>
        <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} />
        <Button onClick={async () => { onSaved(await api<User>('PATCH', `/users/${me.user_id}`, { name, emoji })); onClose(); }}>Save</Button>
      </Stack>
    </Modal>
  );
}

function TokensModal({ opened, onClose }: { opened: boolean; onClose: () => void }) {
  const [tokens, setTokens] = useState<Array<{ api_token_id: string; name: string; prefix: string }>>([]);
  const [name, setName] = useState('');
  const [secret, setSecret] = useState<string | null>(null);
  const load = () => void api<Page<any>>('GET', '/api-tokens').then((p) => setTokens(p.data));
  useEffect(() => { if (opened) load(); }, [opened]);
  return (
    <Modal opened={opened} onClose={() => { setSecret(null); onClose(); }} title="API tokens" size="lg">
      <Stack>
        {secret && <Stack gap={4}><Text size="sm">Copy it now; it is shown only once:</Text><Code block>{secret}</Code></Stack>}
        {tokens.length === 0 && <Text size="sm" c="dimmed">No tokens yet. CI jobs and external MCP clients use them as AGOR_TOKEN.</Text>}
        {tokens.map((t) => (
          <Group key={t.api_token_id} justify="space-between">
            <Text size="sm">{t.name} <Text span c="dimmed">{t.prefix}…</Text></Text>
            <ActionIcon variant="subtle" color="red" onClick={async () => { await api('DELETE', `/api-tokens/${t.api_token_id}`); load(); }} aria-label="Revoke">✕</ActionIcon>
          </Group>
        ))}
        <Group align="end">
          <TextInput label="New token" placeholder="ci" value={name} onChange={(e) => setName(e.currentTarget.value)} style={{ flex: 1 }} />
          <Button disabled={!name} onClick={async () => { setSecret((await api<{ token: string }>('POST', '/api-tokens', { name })).token); setName(''); load(); }}>Create</Button>
        </Group>
      </Stack>
    </Modal>
  );
}
