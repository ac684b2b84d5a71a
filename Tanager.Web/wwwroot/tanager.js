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
