using System.Text.Json;
using Microsoft.JSInterop;
using Tanager.Client;
using Tanager.Protocol;

namespace Tanager.Web;

/// <summary>
/// Web Push in this browser: the settings panel turns it on (the browser's permission, a subscription made with the
/// server's VAPID key and saved on the server) and off; tanager-sw.js shows each push and, when one is clicked, brings
/// a page of the chat to its channel; opening a channel closes its notifications.
/// </summary>
public sealed partial class TanagerChat
{
    /// <summary><c>unsupported</c> (no Push API, or not a secure context), <c>off</c>, or this browser's subscription endpoint.</summary>
    private string _push = "unsupported";
    private bool _pushBusy;
    private string? _pushStatus;

    private bool PushOn => _push is not ("unsupported" or "off");

    /// <summary>Registers the service worker (once per page) and learns whether this browser is subscribed.</summary>
    private async Task StartPushAsync()
    {
        try
        {
            _push = await _module!.InvokeAsync<string>("startPush", _disposing.Token, _callbacks);
        }
        catch (JSException)
        {
            // A host that does not serve the worker script: no push, the rest of the chat is unaffected.
            _push = "unsupported";
        }
    }

    private async Task TurnPushOnAsync()
    {
        if (_client is null || _module is null)
        {
            return;
        }
        _pushBusy = true;
        _pushStatus = null;
        try
        {
            var key = await _client.GetWebPushKeyAsync(_disposing.Token);
            using var answer = await _module.InvokeAsync<JsonDocument>("subscribePush", _disposing.Token, key);
            if (answer.RootElement.TryGetProperty("error", out var error))
            {
                _pushStatus = error.GetString();
                return;
            }
            var subscription = answer.Deserialize(TanagerJsonContext.Default.WebPushSubscribeRequest)!;
            await _client.SubscribeWebPushAsync(subscription, _disposing.Token);
            _push = subscription.Endpoint!;
            _pushStatus = "Push notifications are on in this browser.";
        }
        catch (TanagerApiException exception)
        {
            _pushStatus = exception.Status == 404 ? "This server does not send push notifications." : $"Not turned on: {exception.Message}";
        }
        catch (HttpRequestException)
        {
            _pushStatus = "Not turned on: the server could not be reached.";
        }
        finally
        {
            _pushBusy = false;
        }
    }

    private async Task TurnPushOffAsync()
    {
        if (_client is null || _module is null)
        {
            return;
        }
        _pushBusy = true;
        _pushStatus = null;
        try
        {
            var endpoint = await _module.InvokeAsync<string?>("unsubscribePush", _disposing.Token) ?? _push;
            foreach (var saved in await _client.ListWebPushSubscriptionsAsync(_disposing.Token))
            {
                if (saved.Endpoint == endpoint)
                {
                    await _client.UnsubscribeWebPushAsync(saved.Id, _disposing.Token);
                }
            }
            _push = "off";
            _pushStatus = "Push notifications are off in this browser.";
        }
        catch (TanagerApiException exception)
        {
            _pushStatus = $"Not turned off: {exception.Message}";
        }
        catch (HttpRequestException)
        {
            _pushStatus = "Not turned off: the server could not be reached.";
        }
        finally
        {
            _pushBusy = false;
        }
    }

    /// <summary>A clicked notification: its workspace and channel, if the reader still has them.</summary>
    private async Task OpenChannelAsync(string workspaceId, string channelId)
    {
        if (_client is null || FindChannel(workspaceId, channelId) is null)
        {
            return;
        }
        if (_workspaceId != workspaceId)
        {
            await SelectWorkspaceAsync(workspaceId);
        }
        await SelectChannelAsync(channelId);
        StateHasChanged();
    }

    /// <summary>The channel in the page's address when a notification opened it (#tg-channel=…), taken once the workspaces are known.</summary>
    private async Task OpenLinkedChannelAsync()
    {
        if (_module is null)
        {
            return;
        }
        if (await _module.InvokeAsync<string[]?>("takeLinkedChannel", _disposing.Token) is [var workspaceId, var channelId])
        {
            await OpenChannelAsync(workspaceId, channelId);
        }
    }

    /// <summary>The reader is looking at the channel: its push notifications are read.</summary>
    private async Task CloseChannelNotificationsAsync(string channelId)
    {
        if (_module is not null && _push != "unsupported")
        {
            await _module.InvokeVoidAsync("closeNotifications", _disposing.Token, channelId);
        }
    }
}
