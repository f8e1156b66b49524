import { Badge, Card, Group, Loader, Text } from '@mantine/core';
import { Handle, Position, type NodeProps } from '@xyflow/react';
import type { Session } from '../types';

export const STATUS_COLOR: Record<string, string> = { idle: 'gray', running: 'blue', awaiting_permission: 'orange', completed: 'green', failed: 'red' };

export interface CardData extends Record<string, unknown> {
  session: Session;
  worktree?: { name: string; branch: string };
  preview?: string;
  onOpen: (id: string) => void;
}

/** A session on the board: title, agent, live status, worktree and branch, last message, tokens. */
export function SessionCard({ data }: NodeProps & { data: CardData }) {
  const s = data.session;
  const usage = (s.data as { usage_total?: { input_tokens?: number; output_tokens?: number; cost_usd?: number } }).usage_total;
  const busy = s.status === 'running' || s.status === 'awaiting_permission';
  return (
    <Card className="agor-card" withBorder shadow={busy ? 'md' : 'xs'} padding="sm" onDoubleClick={() => data.onOpen(s.session_id)} data-testid="session-card" data-session-id={s.session_id}
      style={{ borderLeft: `4px solid var(--mantine-color-${STATUS_COLOR[s.status] ?? 'gray'}-5)` }}>
      <Handle type="target" position={Position.Top} style={{ opacity: 0 }} />
      <Group justify="space-between" wrap="nowrap" gap={6}>
        <Text fw={600} size="sm" truncate="end" style={{ flex: 1 }}>{s.title || 'Untitled session'}</Text>
        <Badge size="xs" variant="light">{s.agentic_tool}</Badge>
      </Group>
      <Group gap={6} mt={6}>
        <Badge size="sm" color={STATUS_COLOR[s.status] ?? 'gray'} variant={busy ? 'filled' : 'light'} leftSection={busy ? <Loader size={10} color="white" /> : null} data-testid="session-status">
          {s.status.replace('_', ' ')}
        </Badge>
        {data.worktree && <Text size="xs" c="dimmed" truncate="end" maw={180}>{data.worktree.name} · {data.worktree.branch}</Text>}
      </Group>
      <Text size="xs" mt={6} c={data.preview ? undefined : 'dimmed'} lineClamp={2} mih={32} data-testid="session-preview">{data.preview ?? 'No messages yet. Double-click to open.'}</Text>
      <Group justify="space-between" mt={4}>
        <Text size="xs" c="dimmed">{s.message_count} messages</Text>
        {usage && <Text size="xs" c="dimmed">{((usage.input_tokens ?? 0) + (usage.output_tokens ?? 0)).toLocaleString()} tokens{usage.cost_usd ? ` · $${usage.cost_usd.toFixed(3)}` : ''}</Text>}
      </Group>
      <Handle type="source" position={Position.Bottom} style={{ opacity: 0 }} />
    </Card>
  );
}

export function ZoneNode({ data }: NodeProps & { data: { name: string; width: number; height: number; template?: string } }) {
  return (
    <div className="agor-zone" style={{ width: data.width, height: data.height }}>
      <Text size="sm" fw={600} c="indigo.6" p={8}>{data.name}{data.template ? ' · runs a prompt on drop' : ''}</Text>
    </div>
  );
}
