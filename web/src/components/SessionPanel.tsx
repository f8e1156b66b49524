import { Alert, Badge, Box, Button, Code, Divider, Drawer, Group, Loader, ScrollArea, Stack, Text, Textarea, Tooltip, UnstyledButton } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import Markdown from 'react-markdown';
import { api, type Page } from '../api';
import { realtime } from '../realtime';
import type { Message, Session, Task, User } from '../types';
import { STATUS_COLOR } from './SessionCard';
import { TerminalModal } from './TerminalModal';

function Block({ block }: { block: any }) {
  const [open, setOpen] = useState(false);
  if (block.type === 'text') return <div className="agor-message"><Markdown>{block.text}</Markdown></div>;
  const title = block.type === 'tool_use' ? `⚙ ${block.name}` : `↳ result${block.is_error ? ' (error)' : ''}`;
  const body = block.type === 'tool_use' ? JSON.stringify(block.input, null, 2) : typeof block.content === 'string' ? block.content : JSON.stringify(block.content, null, 2);
  return (
    <Box>
      <UnstyledButton onClick={() => setOpen((o) => !o)} data-testid="tool-block"><Text size="xs" fw={600} c={block.is_error ? 'red' : 'indigo'}>{open ? '▾' : '▸'} {title}</Text></UnstyledButton>
      {open && <Code block mt={4} style={{ maxHeight: 240, overflow: 'auto' }}>{body}</Code>}
    </Box>
  );
}

function MessageView({ m, onFork }: { m: Message; onFork: (index: number) => void }) {
  const blocks = typeof m.content === 'string' ? [{ type: 'text', text: m.content }] : (m.content as any[]);
  const mine = m.role === 'user';
  return (
    <Box p="xs" bg={mine ? 'indigo.0' : m.role === 'tool' ? 'gray.0' : undefined} style={{ borderRadius: 8 }} data-testid="message" data-index={m.index}>
      <Group justify="space-between" mb={2}>
        <Text size="xs" c="dimmed" tt="uppercase" fw={600}>{m.role} · #{m.index}</Text>
        <Tooltip label="Fork the session here"><Button size="compact-xs" variant="subtle" onClick={() => onFork(m.index)} data-testid="fork-here">fork</Button></Tooltip>
      </Group>
      <Stack gap={4}>{blocks.map((b, i) => <Block key={i} block={b} />)}</Stack>
    </Box>
  );
}

/** One session: its conversation live (deltas as they stream), prompt, stop, fork, spawn, permission answers. */
export function SessionPanel({ sessionId, onClose, me, onOpen }: { sessionId: string | null; onClose: () => void; me: User; onOpen: (id: string) => void }) {
  const [session, setSession] = useState<Session | null>(null);
  const [messages, setMessages] = useState<Message[]>([]);
  const [tasks, setTasks] = useState<Task[]>([]);
  const [streams, setStreams] = useState<Map<string, string>>(new Map());
  const [prompt, setPrompt] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [terminal, setTerminal] = useState(false);
  const viewport = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!sessionId) return;
    setSession(null); setMessages([]); setTasks([]); setStreams(new Map()); setError(null);
    void api<Session>('GET', `/sessions/${sessionId}`).then(setSession);
    void api<Page<Message>>('GET', `/messages?session_id=${sessionId}&$limit=500`).then((p) => setMessages(p.data));
    void api<Page<Task>>('GET', `/tasks?session_id=${sessionId}&$limit=500`).then((p) => setTasks(p.data));
    const unsub = realtime.subscribe([`sessions/${sessionId}`]);
    const off = realtime.on((f) => {
      if (f.type === 'stream' && f.sessionId === sessionId) setStreams((m) => new Map(m).set(f.messageId, (m.get(f.messageId) ?? '') + f.delta));
      if (f.type !== 'event' || f.data?.session_id !== sessionId) return;
      if (f.service === 'messages' && f.event === 'created') {
        setMessages((list) => (list.some((x) => x.message_id === f.data.message_id) ? list : [...list, f.data].sort((a, b) => a.index - b.index)));
        setStreams((m) => { const n = new Map(m); n.delete(f.data.message_id); return n; });
      }
      if (f.service === 'tasks') setTasks((list) => [...list.filter((t) => t.task_id !== f.data.task_id), f.data]);
      if (f.service === 'sessions' && f.event === 'patched') setSession(f.data);
    });
    return () => { unsub(); off(); };
  }, [sessionId]);

  useEffect(() => { viewport.current?.scrollTo({ top: viewport.current.scrollHeight }); }, [messages, streams]);

  const act = async (fn: () => Promise<unknown>) => {
    setError(null);
    try { await fn(); } catch (err) { setError((err as Error).message); }
  };
  const send = () => act(async () => { if (!prompt.trim()) return; await api('POST', `/sessions/${sessionId}/prompt`, { prompt }); setPrompt(''); });
  const waiting = tasks.find((t) => t.status === 'awaiting_permission');
  const request = (waiting?.data as any)?.permission_request as { tool: string; input: unknown } | undefined;
  const busy = session?.status === 'running' || session?.status === 'awaiting_permission';
  const owner = session?.created_by === me.user_id;
  const taskStart = new Map(tasks.map((t) => [t.task_id, t]));

  return (
    <Drawer opened={!!sessionId} onClose={onClose} position="right" size={560} withOverlay={false} title={
      <Group gap="xs"><Text fw={600}>{session?.title || 'Session'}</Text>{session && <Badge color={STATUS_COLOR[session.status]} leftSection={busy ? <Loader size={10} color="white" /> : null}>{session.status.replace('_', ' ')}</Badge>}</Group>
    } styles={{ body: { height: 'calc(100% - 60px)', display: 'flex', flexDirection: 'column', gap: 8 } }}>
      <Group gap="xs">
        <Button size="xs" variant="default" disabled={!busy || !owner} onClick={() => act(() => api('POST', `/sessions/${sessionId}/stop`))}>Stop</Button>
        <Button size="xs" variant="default" disabled={!owner} onClick={() => act(async () => { const child = await api<Session>('POST', `/sessions/${sessionId}/spawn`, {}); onOpen(child.session_id); })}>Spawn child</Button>
        <Button size="xs" variant="default" disabled={!owner} onClick={() => setTerminal(true)} data-testid="open-terminal">Terminal</Button>
        {session && <Text size="xs" c="dimmed">{session.agentic_tool}</Text>}
      </Group>
      {error && <Alert color="red" py={6}>{error}</Alert>}
      {waiting && request && (
        <Alert color="orange" title={`The agent wants to use ${request.tool}`} data-testid="permission-request">
          <Code block mb="xs" style={{ maxHeight: 120, overflow: 'auto' }}>{JSON.stringify(request.input, null, 2)}</Code>
          <Group gap="xs">
            <Button size="xs" color="green" onClick={() => act(() => api('POST', `/tasks/${waiting.task_id}/permission`, { allow: true }))}>Allow</Button>
            <Button size="xs" variant="light" color="green" onClick={() => act(() => api('POST', `/tasks/${waiting.task_id}/permission`, { allow: true, remember: true }))}>Always allow</Button>
            <Button size="xs" color="red" variant="light" onClick={() => act(() => api('POST', `/tasks/${waiting.task_id}/permission`, { allow: false }))}>Deny</Button>
          </Group>
        </Alert>
      )}
      <ScrollArea style={{ flex: 1 }} viewportRef={viewport}>
        <Stack gap="xs" pr="sm" data-testid="conversation">
          {messages.length === 0 && streams.size === 0 && <Text size="sm" c="dimmed">No messages yet: write a prompt below.</Text>}
          {messages.map((m, i) => {
            const boundary = m.task_id && m.task_id !== messages[i - 1]?.task_id ? taskStart.get(m.task_id) : undefined;
            return (
              <Box key={m.message_id}>
                {boundary && <Divider my={4} label={`task · ${boundary.status}${boundary.error ? `: ${boundary.error}` : ''}`} labelPosition="left" />}
                <MessageView m={m} onFork={(index) => act(async () => { const fork = await api<Session>('POST', `/sessions/${sessionId}/fork`, { message_index: index }); onOpen(fork.session_id); })} />
              </Box>
            );
          })}
          {[...streams.entries()].map(([id, text]) => (
            <Box key={id} p="xs" data-testid="streaming"><Text size="xs" c="dimmed" tt="uppercase" fw={600}>assistant · streaming</Text><div className="agor-message"><Markdown>{text}</Markdown></div></Box>
          ))}
        </Stack>
      </ScrollArea>
      <Stack gap={4}>
        <Textarea placeholder={busy ? 'Queue another prompt (runs after the current one)…' : 'Tell the agent what to do… (Ctrl+Enter to send)'} autosize minRows={2} maxRows={8}
          value={prompt} onChange={(e) => setPrompt(e.currentTarget.value)} disabled={!owner} data-testid="prompt-box"
          onKeyDown={(e) => { if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) { e.preventDefault(); void send(); } }} />
        <Group justify="space-between"><Text size="xs" c="dimmed">{owner ? (busy ? 'Busy: prompts queue in order.' : 'Ctrl+Enter sends.') : 'Only the session’s owner can prompt it.'}</Text><Button size="xs" onClick={send} disabled={!prompt.trim() || !owner}>{busy ? 'Queue' : 'Send'}</Button></Group>
      </Stack>
      {sessionId && <TerminalModal opened={terminal} onClose={() => setTerminal(false)} sessionId={sessionId} />}
    </Drawer>
  );
}
