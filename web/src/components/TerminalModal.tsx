import { Modal, Text } from '@mantine/core';
import { FitAddon } from '@xterm/addon-fit';
import { Terminal } from '@xterm/xterm';
import { useEffect, useState } from 'react';
import { auth } from '../api';

/** A shell in your executor container, in the session's worktree (docker runtime). Closing it ends the shell. */
export function TerminalModal({ opened, onClose, sessionId }: { opened: boolean; onClose: () => void; sessionId: string }) {
  // The modal mounts its body after opening: a callback ref tells us when the element exists.
  const [host, setHost] = useState<HTMLDivElement | null>(null);
  const [status, setStatus] = useState('connecting…');
  useEffect(() => {
    if (!opened || !host) return;
    const term = new Terminal({ fontSize: 13, fontFamily: 'ui-monospace, Menlo, monospace', theme: { background: '#1e1e2e' }, cursorBlink: true });
    const fit = new FitAddon();
    term.loadAddon(fit);
    term.open(host);
    fit.fit();
    const proto = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${proto}://${location.host}/pty?session=${sessionId}${auth.token ? `&token=${encodeURIComponent(auth.token)}` : ''}`);
    ws.binaryType = 'arraybuffer';
    ws.onopen = () => { setStatus('connected'); ws.send(JSON.stringify({ resize: [term.cols, term.rows] })); term.focus(); };
    ws.onmessage = (e) => term.write(typeof e.data === 'string' ? e.data : new Uint8Array(e.data as ArrayBuffer));
    ws.onclose = (e) => setStatus(`closed${e.reason ? `: ${e.reason}` : ''}`);
    const input = term.onData((d) => ws.readyState === WebSocket.OPEN && ws.send(JSON.stringify({ input: d })));
    return () => { input.dispose(); ws.close(); term.dispose(); };
  }, [opened, sessionId, host]);
  return (
    <Modal opened={opened} onClose={onClose} title="Terminal in your executor" size="xl" styles={{ body: { background: '#1e1e2e', padding: 8 } }}>
      <Text size="xs" c="gray.5" mb={4} data-testid="terminal-status">{status}</Text>
      <div ref={setHost} style={{ height: 380 }} data-testid="terminal" />
    </Modal>
  );
}
