import { ActionIcon, Badge, Button, Divider, Group, Modal, SegmentedControl, Select, Stack, Text, TextInput } from '@mantine/core';
import { useEffect, useState } from 'react';
import { api, type Page } from '../api';
import type { User } from '../types';

interface McpServer { mcp_server_id: string; name: string; transport: string; url: string | null; command: string | null; scope: string }

/** MCP servers agents may use, and this user's default agent (kept in the user's data). */
export function SettingsModal({ opened, onClose, me, onMe }: { opened: boolean; onClose: () => void; me: User; onMe: (u: User) => void }) {
  const [servers, setServers] = useState<McpServer[]>([]);
  const [name, setName] = useState('');
  const [transport, setTransport] = useState('http');
  const [target, setTarget] = useState('');
  const [error, setError] = useState<string | null>(null);
  const load = () => void api<Page<McpServer>>('GET', '/mcp-servers?$limit=500').then((p) => setServers(p.data));
  useEffect(() => { if (opened) load(); }, [opened]);
  const add = async () => {
    setError(null);
    try {
      await api('POST', '/mcp-servers', transport === 'stdio' ? { name, transport, command: target } : { name, transport, url: target });
      setName(''); setTarget(''); load();
    } catch (err) { setError((err as Error).message); }
  };
  const defaultAgent = ((me.data as Record<string, unknown>).default_agent as string | undefined) ?? 'claude-code';
  return (
    <Modal opened={opened} onClose={onClose} title="Settings" size="lg">
      <Stack>
        <Select label="Default agent for new sessions" data={['claude-code', 'codex', 'gemini']} value={defaultAgent} allowDeselect={false}
          onChange={async (v) => onMe(await api<User>('PATCH', `/users/${me.user_id}`, { data: { ...me.data, default_agent: v } }))} />
        <Divider label="MCP servers" labelPosition="left" />
        <Text size="xs" c="dimmed">Agor's own MCP server is always given to agents. Add others here (yours, or the team's if you are an admin).</Text>
        {servers.map((s) => (
          <Group key={s.mcp_server_id} justify="space-between">
            <Group gap={6}><Text size="sm" fw={600}>{s.name}</Text><Badge size="xs" variant="light">{s.transport}</Badge><Badge size="xs" color="gray" variant="light">{s.scope}</Badge><Text size="xs" c="dimmed">{s.url ?? s.command}</Text></Group>
            <ActionIcon variant="subtle" color="red" aria-label="Remove" onClick={async () => { await api('DELETE', `/mcp-servers/${s.mcp_server_id}`); load(); }}>✕</ActionIcon>
          </Group>
        ))}
        <SegmentedControl size="xs" data={['http', 'sse', 'stdio']} value={transport} onChange={setTransport} />
        <Group align="end">
          <TextInput label="Name" value={name} onChange={(e) => setName(e.currentTarget.value)} w={140} />
          <TextInput label={transport === 'stdio' ? 'Command' : 'URL'} value={target} onChange={(e) => setTarget(e.currentTarget.value)} style={{ flex: 1 }} />
          <Button onClick={add} disabled={!name || !target}>Add</Button>
        </Group>
        {error && <Text c="red" size="sm">{error}</Text>}
      </Stack>
    </Modal>
  );
}
