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
