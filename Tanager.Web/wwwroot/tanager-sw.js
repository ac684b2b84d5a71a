// Tanager's service worker: shows the server's Web Push messages (docs/integrations.md#web-push) and opens their
// channel when one is clicked. The page registers it as tanager-sw.js?app=<the chat page's address>.
const app = new URL(self.location.href).searchParams.get('app') || self.registration.scope;

self.addEventListener('install', () => self.skipWaiting());
self.addEventListener('activate', event => event.waitUntil(self.clients.claim()));

self.addEventListener('push', event => {
  let message;
  try {
    message = event.data ? event.data.json() : null;
  } catch {
    message = null;
  }
  if (!message || message.type !== 'message') {
    return;
  }
  // One notification per channel (the tag): a newer push about it replaces the one still shown.
  event.waitUntil(self.registration.showNotification(String(message.title || 'Tanager'), {
    body: String(message.body || ''),
    tag: String(message.channel_id || ''),
    data: { workspace_id: message.workspace_id, channel_id: message.channel_id, message_id: message.message_id },
  }));
});

self.addEventListener('notificationclick', event => {
  event.notification.close();
  const data = event.notification.data || {};
  event.waitUntil((async () => {
    const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const open = windows.find(client => client.url.startsWith(app));
    if (open) {
      await open.focus();
      open.postMessage({ type: 'tanager-open-channel', workspace_id: data.workspace_id, channel_id: data.channel_id });
      return;
    }
    const url = new URL(app);
    url.hash = `tg-channel=${encodeURIComponent(data.workspace_id || '')}/${encodeURIComponent(data.channel_id || '')}`;
    await self.clients.openWindow(url.href);
  })());
});
