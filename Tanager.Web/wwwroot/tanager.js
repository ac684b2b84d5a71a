// The little the chat needs from the browser that Blazor does not do itself.

// Enter in a textarea marked data-enter-submits submits its form (Shift+Enter adds a line). Blazor cannot decide
// preventDefault per key, so one delegated listener on the chat's root does it for the composer and the edit box.
export function enterSubmits(root) {
  root.addEventListener('keydown', event => {
    const target = event.target;
    if (event.key !== 'Enter' || event.shiftKey || event.isComposing || !(target instanceof HTMLTextAreaElement)
        || !target.hasAttribute('data-enter-submits') || !target.form) {
      return;
    }
    event.preventDefault();
    target.form.requestSubmit();
  });
}

// Keeps the newest message in view when the reader was already at the end.
// Virtualize renders the last rows only once they are near the viewport, so the end is asked for twice.
export function scrollToEnd(element) {
  if (!element) {
    return;
  }
  element.scrollTop = element.scrollHeight;
  requestAnimationFrame(() => { element.scrollTop = element.scrollHeight; });
}

export function isNearEnd(element) {
  return !element || element.scrollHeight - element.scrollTop - element.clientHeight < 80;
}

// Reading upwards loads older messages: when a message list is scrolled to near its top and the server has older ones
// (the "Load older messages" button is there, and stays for keyboard users), the page asks .NET for the next page and
// keeps the reader where they were once it is prepended. Scroll events do not bubble, so the root listens in capture.
export function loadOlderOnScroll(root, dotnet) {
  let busy = false;
  root.addEventListener('scroll', async event => {
    const list = event.target;
    if (busy || !(list instanceof HTMLElement) || !list.classList.contains('tg-messages') || list.scrollTop > 400
        || !list.querySelector('.tg-older')) {
      return;
    }
    busy = true;
    const fromBottom = list.scrollHeight - list.scrollTop;
    try {
      if (await dotnet.invokeMethodAsync('LoadOlder')) {
        list.scrollTop = list.scrollHeight - fromBottom;
        requestAnimationFrame(() => { list.scrollTop = list.scrollHeight - fromBottom; });
      }
    } finally {
      busy = false;
    }
  }, { capture: true, passive: true });
}

// Files dropped on a channel, or pasted into its composer, go to the composer's file input as if chosen there: Blazor's
// InputFile reads them on its change event. Only drags that carry files are taken; text drags behave as usual.
export function dropAndPasteFiles(root) {
  const inputFor = target => target instanceof Element
    ? target.closest('.tg-main')?.querySelector('.tg-composer input[type=file]:not([disabled])') : null;
  const hand = (input, files) => {
    const transfer = new DataTransfer();
    for (const file of files) {
      transfer.items.add(file);
    }
    input.files = transfer.files;
    input.dispatchEvent(new Event('change', { bubbles: true }));
  };
  const carriesFiles = event => event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
  root.addEventListener('dragover', event => {
    if (carriesFiles(event) && inputFor(event.target)) {
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    }
  });
  root.addEventListener('drop', event => {
    const input = inputFor(event.target);
    if (carriesFiles(event) && input && event.dataTransfer.files.length > 0) {
      event.preventDefault();
      hand(input, event.dataTransfer.files);
    }
  });
  root.addEventListener('paste', event => {
    const input = inputFor(event.target);
    const files = event.clipboardData?.files;
    if (input && files && files.length > 0) {
      event.preventDefault();
      hand(input, files);
    }
  });
}

// While the mention choices are open (the composer has data-mentions-open), the arrow keys, Enter, Tab and Escape are
// theirs: kept from the textarea (and from Enter-sends, which listens later) and handed to .NET.
export function mentionKeys(root, dotnet) {
  root.addEventListener('keydown', event => {
    const target = event.target;
    if (!(target instanceof HTMLTextAreaElement) || target.dataset.mentionsOpen !== 'true' || event.isComposing
        || !['ArrowDown', 'ArrowUp', 'Enter', 'Tab', 'Escape'].includes(event.key)) {
      return;
    }
    event.preventDefault();
    event.stopImmediatePropagation();
    dotnet.invokeMethodAsync('MentionKey', event.key);
  }, { capture: true });
}

// Desktop notifications: the permission, asking for it (only from a click), and showing one.
export function notificationPermission() {
  return 'Notification' in window ? Notification.permission : 'unsupported';
}

export async function requestNotifications() {
  return 'Notification' in window ? await Notification.requestPermission() : 'unsupported';
}

export function notify(title, body, tag) {
  if (!('Notification' in window) || Notification.permission !== 'granted') {
    return;
  }
  const notification = new Notification(title, { body, tag });
  notification.onclick = () => { window.focus(); notification.close(); };
}

export function pageHidden() {
  return document.visibilityState !== 'visible' || !document.hasFocus();
}

// The browser's time zone (an IANA id), the default for quiet hours.
export function timeZone() {
  return Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC';
}

// Web Push: the service worker (registered for every page, so that it can close a channel's notifications), the
// browser's subscription, and the channel a clicked notification asks for. Push needs a secure context (https or
// localhost) and the Push API; elsewhere every call answers 'unsupported'.
const workerUrl = () => new URL(`_content/Tanager.Web/tanager-sw.js?app=${encodeURIComponent(location.href.split('#')[0])}`, document.baseURI).href;
const pushSupported = () => window.isSecureContext && 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

async function worker() {
  return await navigator.serviceWorker.register(workerUrl());
}

export async function startPush(dotnet) {
  if (!pushSupported()) {
    return 'unsupported';
  }
  navigator.serviceWorker.startMessages();
  navigator.serviceWorker.addEventListener('message', event => {
    if (event.data && event.data.type === 'tanager-open-channel') {
      dotnet.invokeMethodAsync('OpenChannel', String(event.data.workspace_id || ''), String(event.data.channel_id || ''));
    }
  });
  const registration = await worker();
  const subscription = await registration.pushManager.getSubscription();
  return subscription ? subscription.endpoint : 'off';
}

// The channel a notification opened this page on (#tg-channel=<workspace>/<channel>), once.
export function takeLinkedChannel() {
  const match = /^#tg-channel=([^/]*)\/(.*)$/.exec(location.hash);
  if (!match) {
    return null;
  }
  history.replaceState(null, '', location.href.split('#')[0]);
  return [decodeURIComponent(match[1]), decodeURIComponent(match[2])];
}

// Asks for permission (from a click) and subscribes with the server's key: PushSubscription.toJSON()'s endpoint and
// keys, or { error } saying why not.
export async function subscribePush(applicationServerKey) {
  if (!pushSupported()) {
    return { error: 'This browser cannot receive push notifications here.' };
  }
  if (await Notification.requestPermission() !== 'granted') {
    return { error: 'Notifications are blocked in this browser\'s settings.' };
  }
  try {
    const registration = await worker();
    await navigator.serviceWorker.ready;
    const padded = applicationServerKey.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - applicationServerKey.length % 4) % 4);
    const key = Uint8Array.from(atob(padded), c => c.charCodeAt(0));
    const subscription = await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key });
    const json = subscription.toJSON();
    return { endpoint: json.endpoint, keys: { p256dh: json.keys.p256dh, auth: json.keys.auth } };
  } catch (error) {
    return { error: `The browser's push service refused: ${error.message}` };
  }
}

// Ends this browser's subscription; answers the endpoint it had (for the server to forget), or null.
export async function unsubscribePush() {
  if (!pushSupported()) {
    return null;
  }
  const registration = await navigator.serviceWorker.getRegistration(workerUrl());
  const subscription = registration ? await registration.pushManager.getSubscription() : null;
  if (!subscription) {
    return null;
  }
  const endpoint = subscription.endpoint;
  await subscription.unsubscribe();
  return endpoint;
}

// A channel was opened: its notifications (pushed, tagged with its id) are read.
export async function closeNotifications(channelId) {
  if (!pushSupported()) {
    return;
  }
  const registration = await navigator.serviceWorker.getRegistration(workerUrl());
  for (const notification of registration ? await registration.getNotifications({ tag: channelId }) : []) {
    notification.close();
  }
}
