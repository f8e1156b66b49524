import type { HubMessage } from '../realtime/hub.js';

/** A service change as a hub message. */
export function serviceEvent(
  service: string, event: 'created' | 'patched' | 'removed', data: object, channels: string[], audience: string[] | null = null,
): HubMessage {
  return { channels, audience, frame: { type: 'event', service, event, data: data as Record<string, unknown> } };
}
