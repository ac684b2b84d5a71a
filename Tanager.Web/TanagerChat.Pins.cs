using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>Pins: pin and unpin a top-level message, and the channel's list of pinned messages, kept current as pins change.</summary>
public sealed partial class TanagerChat
{
    private bool _pinsOpen;
    private IReadOnlyList<MessageDto> _pins = [];

    private async Task TogglePinAsync(MessageDto message)
    {
        if (_client is null)
        {
            return;
        }
        await RunAsync(async () =>
        {
            var changed = message.PinnedAt is null
                ? await _client.PinMessageAsync(message.WorkspaceId, message.ChannelId, message.Id, _disposing.Token)
                : await _client.UnpinMessageAsync(message.WorkspaceId, message.ChannelId, message.Id, _disposing.Token);
            ApplyEverywhere(changed);
        });
        if (_pinsOpen)
        {
            await LoadPinsAsync();
        }
    }

    private async Task TogglePinsAsync()
    {
        _pinsOpen = !_pinsOpen;
        if (_pinsOpen)
        {
            await LoadPinsAsync();
        }
    }

    private async Task LoadPinsAsync()
    {
        if (_client is null || _workspaceId is not { } workspaceId || _channelId is not { } channelId)
        {
            return;
        }
        await RunAsync(async () => _pins = await _client.ListPinsAsync(workspaceId, channelId, _disposing.Token));
    }
}
