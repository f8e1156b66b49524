import { Avatar, Button, Center, Group, Paper, Stack, Text, Tooltip } from '@mantine/core';
import { Background, Controls, ReactFlow, ReactFlowProvider, ViewportPortal, useReactFlow, type Edge, type Node, type NodeChange, applyNodeChanges } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { api, type Page } from '../api';
import { realtime, type Frame } from '../realtime';
import type { Board, BoardObject, Message, Session, User, Worktree } from '../types';
import { NewSessionModal } from './NewSessionModal';
import { ReposDrawer } from './ReposDrawer';
import { SessionCard, ZoneNode, type CardData } from './SessionCard';
import { SessionPanel } from './SessionPanel';

const nodeTypes = { session: SessionCard, zone: ZoneNode };
const COLORS = ['#e8590c', '#2f9e44', '#1971c2', '#9c36b5', '#c2255c', '#0c8599'];
const colorOf = (id: string) => COLORS[parseInt(id.slice(-2), 16) % COLORS.length]!;

export function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content.map((b: any) => (b.type === 'text' ? b.text : b.type === 'tool_use' ? `⚙ ${b.name}` : '')).filter(Boolean).join(' ');
}

export function BoardView(props: { me: User; boardId: string | null; onBoard: (id: string | null) => void }) {
  if (!props.boardId) {
    return (
      <Center h="100%">
        <Stack align="center" gap="xs">
          <Text fw={600}>No board yet</Text>
          <Text size="sm" c="dimmed">Create a board with “New board” above: it is where your team's sessions live.</Text>
        </Stack>
      </Center>
    );
  }
  return <ReactFlowProvider><Canvas {...props} boardId={props.boardId} /></ReactFlowProvider>;
}

function Canvas({ me, boardId }: { me: User; boardId: string }) {
  const flow = useReactFlow();
  const [board, setBoard] = useState<Board | null>(null);
  const [sessions, setSessions] = useState<Map<string, Session>>(new Map());
  const [objects, setObjects] = useState<Map<string, BoardObject>>(new Map());
  const [worktrees, setWorktrees] = useState<Map<string, Worktree>>(new Map());
  const [previews, setPreviews] = useState<Map<string, string>>(new Map());
  const [nodes, setNodes] = useState<Node[]>([]);
  const [cursors, setCursors] = useState<Map<string, { x: number; y: number; name: string; emoji: string }>>(new Map());
  const [present, setPresent] = useState<Map<string, { name: string; emoji: string }>>(new Map());
  const [open, setOpen] = useState<string | null>(null);
  const [repos, setRepos] = useState(false);
  const [newSession, setNewSession] = useState(false);
  const dragging = useRef(new Set<string>());
  const lastPatch = useRef(0);

  useEffect(() => {
    let live = true;
    void (async () => {
      const [b, s, o, w] = await Promise.all([
        api<Board>('GET', `/boards/${boardId}`), api<Page<Session>>('GET', `/sessions?board_id=${boardId}&$limit=500`),
        api<Page<BoardObject>>('GET', `/board-objects?board_id=${boardId}&$limit=500`), api<Page<Worktree>>('GET', '/worktrees?$limit=500'),
      ]);
      if (!live) return;
      setBoard(b);
      setSessions(new Map(s.data.map((x) => [x.session_id, x])));
      setObjects(new Map(o.data.map((x) => [x.board_object_id, x])));
      setWorktrees(new Map(w.data.map((x) => [x.worktree_id, x])));
    })();
    const unsub = realtime.subscribe([`boards/${boardId}`]);
    realtime.send({ type: 'presence', boardId, state: 'active' });
    const off = realtime.on((f: Frame) => {
      if (f.type === 'ready') realtime.send({ type: 'presence', boardId, state: 'active' });
      if (f.type === 'cursor' && f.boardId === boardId) setCursors((m) => new Map(m).set(f.userId, { x: f.x, y: f.y, name: f.name, emoji: f.emoji }));
      if (f.type === 'presence' && f.boardId === boardId) {
        setPresent((m) => { const n = new Map(m); if (f.state === 'left') n.delete(f.userId); else n.set(f.userId, { name: f.name, emoji: f.emoji }); return n; });
        if (f.state === 'left') setCursors((m) => { const n = new Map(m); n.delete(f.userId); return n; });
      }
      if (f.type !== 'event') return;
      const d = f.data;
      if (f.service === 'sessions') {
        setSessions((m) => { const n = new Map(m); if (f.event === 'removed' || d.board_id !== boardId) n.delete(d.session_id); else n.set(d.session_id, d); return n; });
      } else if (f.service === 'board-objects' && d.board_id === boardId) {
        if (dragging.current.has(d.board_object_id)) return;
        setObjects((m) => { const n = new Map(m); if (f.event === 'removed') n.delete(d.board_object_id); else n.set(d.board_object_id, d); return n; });
      } else if (f.service === 'messages' && f.event === 'created') {
        const text = textOf((d as Message).content);
        if (text) setPreviews((m) => new Map(m).set(d.session_id, text));
      } else if (f.service === 'worktrees') {
        setWorktrees((m) => new Map(m).set(d.worktree_id, d));
      }
    });
    return () => {
      live = false;
      realtime.send({ type: 'presence', boardId, state: 'left' });
      unsub();
      off();
    };
  }, [boardId]);

  // Nodes follow the store; a card being dragged here keeps its local position.
  useEffect(() => {
    setNodes((current) => {
      const byId = new Map(current.map((n) => [n.id, n]));
      const next: Node[] = [];
      for (const o of objects.values()) {
        if (o.kind === 'zone') {
          next.push({ id: o.board_object_id, type: 'zone', position: { x: o.x, y: o.y }, data: { name: (o.data as any).name ?? 'Zone', width: o.width ?? 400, height: o.height ?? 300, template: (o.data as any).prompt_template }, zIndex: -1, draggable: true });
          continue;
        }
        const s = o.session_id ? sessions.get(o.session_id) : undefined;
        if (!s) continue;
        const wt = worktrees.get(s.worktree_id);
        const prev = byId.get(o.board_object_id);
        const data: CardData = { session: s, worktree: wt ? { name: wt.name, branch: wt.git_state?.branch ?? wt.branch } : undefined, preview: previews.get(s.session_id), onOpen: setOpen };
        next.push({ id: o.board_object_id, type: 'session', position: prev && dragging.current.has(o.board_object_id) ? prev.position : { x: o.x, y: o.y }, data });
      }
      return next;
    });
  }, [objects, sessions, worktrees, previews]);

  const cardOf = useMemo(() => new Map([...objects.values()].filter((o) => o.session_id).map((o) => [o.session_id as string, o.board_object_id])), [objects]);
  const edges: Edge[] = useMemo(() => [...sessions.values()].flatMap((s) => {
    const from = s.parent_session_id ?? s.forked_from_session_id;
    const source = from ? cardOf.get(from) : undefined;
    const target = cardOf.get(s.session_id);
    if (!source || !target) return [];
    const fork = !s.parent_session_id;
    return [{ id: `e-${s.session_id}`, source, target, className: fork ? 'agor-edge-fork' : 'agor-edge-spawn', style: { strokeDasharray: fork ? '6 4' : undefined, strokeWidth: 2 }, label: fork ? 'fork' : 'spawn' }];
  }), [sessions, cardOf]);

  const onNodesChange = useCallback((changes: NodeChange[]) => {
    setNodes((n) => applyNodeChanges(changes, n));
    for (const c of changes) {
      if (c.type !== 'position' || !c.position) continue;
      if (c.dragging) {
        dragging.current.add(c.id);
        // Others see the card move: a patch at most every 100 ms while dragging.
        if (Date.now() - lastPatch.current > 100) {
          lastPatch.current = Date.now();
          void api('PATCH', `/board-objects/${c.id}`, { x: c.position.x, y: c.position.y });
        }
      }
    }
  }, []);

  const onNodeDragStop = useCallback((_e: unknown, node: Node) => {
    dragging.current.delete(node.id);
    void api('PATCH', `/board-objects/${node.id}`, { x: node.position.x, y: node.position.y });
    dropIntoZone(node);
  }, [objects]);

  /** A card dropped into a zone with a prompt template runs that prompt in its session. */
  const dropIntoZone = (node: Node) => {
    if (node.type !== 'session') return;
    const session = (node.data as CardData).session;
    for (const zone of objects.values()) {
      const template = (zone.data as any).prompt_template as string | undefined;
      if (zone.kind !== 'zone' || !template) continue;
      const inside = node.position.x >= zone.x && node.position.y >= zone.y && node.position.x <= zone.x + (zone.width ?? 0) && node.position.y <= zone.y + (zone.height ?? 0);
      if (inside) void api('POST', `/sessions/${session.session_id}/prompt`, { prompt: template.replaceAll('{{title}}', session.title) });
    }
  };

  const lastCursor = useRef(0);
  const onMove = (e: React.MouseEvent) => {
    if (Date.now() - lastCursor.current < 50) return;
    lastCursor.current = Date.now();
    const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    realtime.send({ type: 'cursor', boardId, x: Math.round(p.x), y: Math.round(p.y) });
  };

  const addZone = async () => {
    const name = prompt('Zone name (e.g. “Review”)');
    if (!name) return;
    const template = prompt('Prompt to run when a card is dropped here (optional; {{title}} is the session title)') ?? '';
    const center = flow.screenToFlowPosition({ x: window.innerWidth / 2, y: window.innerHeight / 2 });
    await api('POST', '/board-objects', { board_id: boardId, kind: 'zone', x: center.x - 200, y: center.y - 150, width: 420, height: 320, data: { name, ...(template ? { prompt_template: template } : {}) } });
  };

  const others = [...present.entries()].filter(([id]) => id !== me.user_id);
  return (
    <div style={{ height: '100%', position: 'relative' }} onMouseMove={onMove}>
      <ReactFlow nodes={nodes} edges={edges} nodeTypes={nodeTypes} onNodesChange={onNodesChange} onNodeDragStop={onNodeDragStop}
        onNodeDoubleClick={(_e, n) => n.type === 'session' && setOpen((n.data as CardData).session.session_id)} fitView fitViewOptions={{ maxZoom: 1 }} minZoom={0.2} proOptions={{ hideAttribution: true }}>
        <Background gap={24} />
        <Controls position="bottom-left" />
        <ViewportPortal>
          {[...cursors.entries()].filter(([id]) => id !== me.user_id).map(([id, c]) => (
            <div key={id} className="agor-cursor" style={{ transform: `translate(${c.x}px, ${c.y}px)` }} data-testid="remote-cursor">
              <svg width="16" height="16" viewBox="0 0 16 16"><path d="M1 1 L15 7 L8 9 L6 15 Z" fill={colorOf(id)} stroke="white" /></svg>
              <span className="agor-cursor-label" style={{ background: colorOf(id) }}>{c.emoji} {c.name}</span>
            </div>
          ))}
        </ViewportPortal>
      </ReactFlow>
      <Paper shadow="sm" p={6} withBorder style={{ position: 'absolute', top: 12, left: 12, zIndex: 5 }}>
        <Group gap={6}>
          <Text fw={600} size="sm" px={4}>{board?.name}</Text>
          <Button size="xs" onClick={() => setNewSession(true)} data-testid="new-session">New session</Button>
          <Button size="xs" variant="default" onClick={() => setRepos(true)}>Repos &amp; worktrees</Button>
          <Button size="xs" variant="default" onClick={addZone}>Add zone</Button>
        </Group>
      </Paper>
      <Group gap={4} style={{ position: 'absolute', top: 12, right: 12, zIndex: 5 }} data-testid="facepile">
        {others.map(([id, p]) => <Tooltip key={id} label={`${p.name} is here`}><Avatar size="md" radius="xl" color="indigo" style={{ border: `2px solid ${colorOf(id)}` }}>{p.emoji}</Avatar></Tooltip>)}
        <Tooltip label="You"><Avatar size="md" radius="xl">{me.emoji}</Avatar></Tooltip>
      </Group>
      {sessions.size === 0 && board && (
        <Center style={{ position: 'absolute', inset: 0, pointerEvents: 'none' }}>
          <Stack align="center" gap={4}><Text fw={600}>This board is empty</Text><Text size="sm" c="dimmed">Add a repo and a worktree, then start a session: “New session”.</Text></Stack>
        </Center>
      )}
      <SessionPanel sessionId={open} onClose={() => setOpen(null)} me={me} onOpen={setOpen} />
      <ReposDrawer opened={repos} onClose={() => setRepos(false)} />
      <NewSessionModal opened={newSession} onClose={() => setNewSession(false)} boardId={boardId} defaultAgent={((me.data as Record<string, unknown>).default_agent as string | undefined) ?? 'claude-code'} onCreated={(id) => { setNewSession(false); setOpen(id); }} />
    </div>
  );
}
