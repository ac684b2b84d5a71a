using Microsoft.JSInterop;

namespace Tanager.Web.Internal;

/// <summary>What tanager.js calls back into: kept off the component so that its public surface stays the parameters.</summary>
internal sealed class PageCallbacks(Func<Task<bool>> loadOlder, Func<string, Task> mentionKey)
{
    /// <summary>Loads the page before the oldest message shown; true when messages were prepended (the script then restores the reader's place).</summary>
    [JSInvokable("LoadOlder")]
    public Task<bool> LoadOlderAsync() => loadOlder();

    /// <summary>A key for the open mention choices (arrows, Enter, Tab, Escape), which the script kept from the composer.</summary>
    [JSInvokable("MentionKey")]
    public Task MentionKeyAsync(string key) => mentionKey(key);
}
