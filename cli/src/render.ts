/** A stored message as plain text for a terminal: text blocks as they are, tool use and results summarized. */
export function messageText(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return JSON.stringify(content);
  return content.map((b: Record<string, any>) => {
    if (b.type === 'text') return b.text as string;
    if (b.type === 'tool_use') return `[tool ${b.name}] ${JSON.stringify(b.input).slice(0, 200)}`;
    if (b.type === 'tool_result') return `[result${b.is_error ? ' (error)' : ''}] ${(typeof b.content === 'string' ? b.content : JSON.stringify(b.content)).slice(0, 200)}`;
    return `[${b.type}]`;
  }).join('\n');
}

/** The last assistant text of a conversation: what `agor run` prints. */
export function finalAssistantText(messages: Array<{ role: string; content: unknown }>): string {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.role !== 'assistant') continue;
    const text = Array.isArray(m.content)
      ? (m.content as Array<Record<string, any>>).filter((b) => b.type === 'text').map((b) => b.text as string).join('')
      : String(m.content);
    if (text) return text;
  }
  return '';
}
