using Microsoft.JSInterop;

namespace Tanager.Web.Internal;

/// <summary>What tanager.js calls back into: kept off the component so that its public surface stays the parameters.</summary>
internal sealed class PageCallbacks(Func<Task<bool>> loadOlder, Func<string, Task> mentionKey, Func<string, string, Task> openChannel)
{
    /// <summary>Loads the page before the oldest message shown; true when messages were prepended (the script then restores the reader's place).</summary>
    [JSInvokable("LoadOlder")]
    public Task<bool> LoadOlderAsync() => loadOlder();

    /// <summary>A key for the open mention choices (arrows, Enter, Tab, Escape), which the script kept from the composer.</summary>
    [JSInvokable("MentionKey")]
    public Task MentionKeyAsync(string key) => mentionKey(key);

    /// <summary>A push notification of this chat was clicked: the service worker asks for its channel.</summary>
    [JSInvokable("OpenChannel")]
    public Task OpenChannelAsync(string workspaceId, string channelId) => openChannel(workspaceId, channelId);
}
