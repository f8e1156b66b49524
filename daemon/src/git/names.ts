import { invalid } from '../core/errors.js';

/** A worktree or repo directory name: one path segment, never option-like, never `.`/`..`. */
export function assertDirName(name: string, what: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(name) || name.includes('..') || name.endsWith('.lock')) {
    throw invalid(`${what} "${name}" is not allowed: use letters, digits, '.', '_' and '-', starting with a letter or digit, no '..'`);
  }
  return name;
}

/** A branch or ref name as git check-ref-format would accept it, and never something git could read as an option. */
export function assertRefName(ref: string, what: string): string {
  const bad = ref.startsWith('-') || ref.startsWith('/') || ref.endsWith('/') || ref.endsWith('.') || ref.endsWith('.lock')
    || ref.includes('..') || ref.includes('//') || ref.includes('@{') || ref === '@'
    || /[\x00-\x20\x7f~^:?*[\\]/.test(ref) || ref.split('/').some((part) => part.startsWith('.'));
  if (bad || ref.length > 250) throw invalid(`${what} "${ref}" is not a valid git ref name`);
  return ref;
}

/**
 * A clone URL: https, http, ssh, git or scp-like `user@host:path`, or file://. Rejects `ext::` and other
 * remote helpers (which run commands), and anything beginning with '-' (git would read an option).
 */
export function assertCloneUrl(url: string): string {
  const trimmed = url.trim();
  const scpLike = /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^\s]+$/.test(trimmed) && !trimmed.includes('::');
  const withScheme = /^(https?|ssh|git|file):\/\/[^\s]+$/i.test(trimmed);
  if (trimmed.startsWith('-') || trimmed.includes('::') || !(scpLike || withScheme) || /[\x00-\x1f]/.test(trimmed)) {
    throw invalid(`"${url}" is not a clone URL git may use: give https://, ssh://, git://, file:// or user@host:path (remote helpers such as ext:: are refused)`);
  }
  return trimmed;
}

/** A slug for `$AGOR_HOME/repos/<slug>` from a URL or name. */
export function slugify(source: string): string {
  const last = source.replace(/\.git\/?$/, '').split(/[/:]/).filter(Boolean).pop() ?? 'repo';
  const slug = last.toLowerCase().replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').replace(/\.+$/, '').slice(0, 60);
  return slug || 'repo';
}
